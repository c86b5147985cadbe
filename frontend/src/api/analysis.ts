/** The monthly analysis report of a unit: its figures and its Word document. */
import { api, send } from './http'
import type { components } from './schema'

type S = components['schemas']

export type AnalysisReport = S['AnalysisReportOut']
export type AnalysisCategoryRow = S['AnalysisCategoryRowOut']

export const analysisApi = {
  /** `month` is `YYYY-MM`; `unit` null means the user's own unit. */
  get: (unit: number | null, month: string) => send(api.GET('/api/stats/analysis', { params: { query: { unit, month } } })),
  /** The .docx for the leader (each download is audited). */
  docx: (unit: number | null, month: string) =>
    send(api.GET('/api/stats/analysis/docx', { params: { query: { unit, month } }, parseAs: 'blob' })),
}
