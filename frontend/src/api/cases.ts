import { http, type RequestOptions } from './http'
import type {
  CaseActionIn,
  CaseBox,
  CaseCounts,
  CaseCreatedOut,
  CaseCreateIn,
  CaseFilter,
  CaseOut,
  CasePage,
  CaseStats,
  DeadlineRule,
  DeadlineRuleIn,
} from './types'

type Opts = Pick<RequestOptions, 'silent'>

/** List filter as the page holds it: every field optional except the box. */
export type CaseListFilter = Partial<Omit<CaseFilter, 'box'>> & { box: CaseBox }

export const casesApi = {
  list: (filter: CaseListFilter) => http.get<CasePage>('/cases', { query: { ...filter } }),
  counts: (opts?: Opts) => http.get<CaseCounts>('/cases/counts', opts),
  get: (id: number) => http.get<CaseOut>(`/cases/${id}`),
  create: (body: CaseCreateIn, opts?: Opts) => http.post<CaseCreatedOut>('/cases', body, opts),
  act: (id: number, action: string, body: CaseActionIn, opts?: Opts) =>
    http.post<CaseOut>(`/cases/${id}/actions/${encodeURIComponent(action)}`, body, opts),
  /** One unit's monthly statistics (its whole subtree); `month` is `YYYY-MM`. */
  stats: (unit: number | null, month: string) => http.get<CaseStats>('/cases/stats', { query: { unit, month } }),
  /** The same statistics as an xlsx file. */
  statsExport: (unit: number | null, month: string) =>
    http.get<Blob>('/cases/stats/export', { query: { unit, month }, responseType: 'blob' }),
  deadlineRules: () => http.get<DeadlineRule[]>('/cases/deadline-rules'),
  updateDeadlineRule: (id: number, body: DeadlineRuleIn, opts?: Opts) =>
    http.patch<DeadlineRule>(`/cases/deadline-rules/${id}`, body, opts),
}
