import { api, send, type CallOptions } from './http'
import type { CaseActionIn, CaseBox, CaseCreateIn, DeadlineRuleIn, QueryOf } from './types'

type Opts = Pick<CallOptions, 'silent'>

/** List filter as the page holds it: every field optional except the box. */
export interface CaseListFilter extends QueryOf<'/api/cases'> {
  box: CaseBox
}

export const casesApi = {
  list: (filter: CaseListFilter) => send(api.GET('/api/cases', { params: { query: filter } })),
  counts: (opts?: Opts) => send(api.GET('/api/cases/counts'), opts),
  total: (filter: CaseListFilter) => send(api.GET('/api/cases/total', { params: { query: filter } }), { silent: true }),
  get: (id: number) => send(api.GET('/api/cases/{case_id}', { params: { path: { case_id: id } } })),
  create: (body: CaseCreateIn, opts?: Opts) => send(api.POST('/api/cases', { body }), opts),
  act: (id: number, action: string, body: CaseActionIn, opts?: Opts) =>
    send(api.POST('/api/cases/{case_id}/actions/{action}', { params: { path: { case_id: id, action } }, body }), opts),
  /** One unit's monthly statistics (its whole subtree); `month` is `YYYY-MM`. */
  stats: (unit: number | null, month: string) => send(api.GET('/api/cases/stats', { params: { query: { unit, month } } })),
  /** The same statistics as an xlsx file. */
  statsExport: (unit: number | null, month: string) =>
    send(api.GET('/api/cases/stats/export', { params: { query: { unit, month } }, parseAs: 'blob' })),
  deadlineRules: () => send(api.GET('/api/cases/deadline-rules')),
  updateDeadlineRule: (id: number, body: DeadlineRuleIn, opts?: Opts) =>
    send(api.PATCH('/api/cases/deadline-rules/{rule_id}', { params: { path: { rule_id: id } }, body }), opts),
}
