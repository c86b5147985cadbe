/**
 * The daily must-do list: /api/field/must-do. Types come from the generated schema,
 * named here so the part's pages import them from one place.
 */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type MustDoItem = S['MustDoItemOut']
export type MustDoList = S['MustDoListOut']
export type MustDoKind = MustDoItem['kind']
export type MustDoCompletion = S['MustDoCompletionOut']
export type MustDoWorkerRow = S['MustDoWorkerRowOut']
export type MustDoGridRow = S['MustDoGridRowOut']
export type MustDoMonth = S['MustDoMonthOut']
export type MustDoMonthRow = S['MustDoMonthRowOut']
export type MustDoRule = S['MustDoRuleOut']
export type MustDoRuleIn = S['MustDoRuleIn']
export type MustDoTickIn = S['MustDoTickIn']

export const MUST_DO_KINDS: readonly MustDoKind[] = ['visit', 'inspection', 'case', 'warning', 'zero_report', 'document', 'patrol']

export const mustDoApi = {
  mine: (day?: string, opts?: Opts) => send(api.GET('/api/field/must-do/mine', { params: { query: { day } } }), opts),
  tick: (item_id: number, body: MustDoTickIn, opts?: Opts) =>
    send(api.POST('/api/field/must-do/items/{item_id}/tick', { params: { path: { item_id } }, body }), opts),
  worker: (worker_id: number, day?: string) =>
    send(api.GET('/api/field/must-do/workers/{worker_id}', { params: { path: { worker_id }, query: { day } } })),
  completion: (unit: number | undefined, day?: string) =>
    send(api.GET('/api/field/must-do/completion', { params: { query: { unit, day } } })),
  month: (unit: number | undefined, month?: string) =>
    send(api.GET('/api/field/must-do/completion/month', { params: { query: { unit, month } } })),
  rules: () => send(api.GET('/api/field/must-do/rules')),
  setRule: (kind: MustDoKind, body: MustDoRuleIn, opts?: Opts) =>
    send(api.PUT('/api/field/must-do/rules/{kind}', { params: { path: { kind } }, body }), opts),
}
