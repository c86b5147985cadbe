/** Assessment: the login red light, the rubric, scores, rankings and hand scores: /api/assess. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent' | 'noRedirect'>

export type LightsOut = S['LightsOut']
export type LightRowOut = S['LightRowOut']
export type LightColumnOut = S['LightColumnOut']
export type LightsKind = 'week' | 'month' | 'year'
export type PeriodKind = 'month' | 'quarter' | 'year'
export type RankingOut = S['RankingOut']
export type RankLineOut = S['RankLineOut']
export type SheetOut = S['SheetOut']
export type SheetItemOut = S['SheetItemOut']
export type ShortfallsOut = S['ShortfallsOut']
export type HandOut = S['HandOut']
export type HandCellOut = S['HandCellOut']
export type HandScoreIn = S['HandScoreIn']
export type EvidenceFile = S['EvidenceFileOut']
export type RubricBrief = S['RubricBrief']
export type RubricOut = S['RubricOut']
export type RubricItemOut = S['RubricItemOut']
export type RubricItemIn = S['RubricItemIn']
export type RubricPatchIn = S['RubricPatchIn']
export type MeasureOut = S['AssessMeasureOut']

export const assessApi = {
  lights: (unit: number | null, kind: LightsKind, date?: string) =>
    send(api.GET('/api/assess/logins', { params: { query: { unit: unit ?? undefined, kind, date } } })),
  ranking: (unit: number | null, period: PeriodKind, date?: string) =>
    send(api.GET('/api/assess/scores/ranking', { params: { query: { unit: unit ?? undefined, period, date } } })),
  sheet: (unit: number | null, period: PeriodKind, date?: string) =>
    send(api.GET('/api/assess/scores/sheet', { params: { query: { unit: unit ?? undefined, period, date } } })),
  shortfalls: (unit: number, item: number, period: PeriodKind, date?: string) =>
    send(api.GET('/api/assess/scores/shortfalls', { params: { query: { unit, item, period, date } } })),
  recompute: (unit_id: number, month: string, opts?: Opts) =>
    send(api.POST('/api/assess/scores/recompute', { body: { unit_id, month } }), opts),
  hand: (unit: number | null, month?: string) =>
    send(api.GET('/api/assess/hand', { params: { query: { unit: unit ?? undefined, month } } })),
  score: (body: HandScoreIn, opts?: Opts) => send(api.PUT('/api/assess/hand', { body }), opts),
  /** One evidence file (photo, PDF, Word, Excel) for a hand score; name its id in `attachment_ids`. */
  uploadEvidence: (file: File) => send(api.POST('/api/assess/hand/uploads', { body: { file } as never })),
  measures: () => send(api.GET('/api/assess/measures')),
  rubrics: () => send(api.GET('/api/assess/rubrics')),
  rubric: (rubric_id: number) => send(api.GET('/api/assess/rubrics/{rubric_id}', { params: { path: { rubric_id } } })),
  createRubric: (unit_id: number, year: number, source_id: number | null, opts?: Opts) =>
    send(api.POST('/api/assess/rubrics', { body: { unit_id, year, source_id } }), opts),
  updateRubric: (rubric_id: number, body: RubricPatchIn, opts?: Opts) =>
    send(api.PATCH('/api/assess/rubrics/{rubric_id}', { params: { path: { rubric_id } }, body }), opts),
  addItem: (rubric_id: number, body: RubricItemIn, opts?: Opts) =>
    send(api.POST('/api/assess/rubrics/{rubric_id}/items', { params: { path: { rubric_id } }, body }), opts),
  updateItem: (rubric_id: number, item_id: number, body: RubricItemIn, opts?: Opts) =>
    send(api.PUT('/api/assess/rubrics/{rubric_id}/items/{item_id}', { params: { path: { rubric_id, item_id } }, body }), opts),
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function isoDay(d: Date = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
