/**
 * Zero reports and sensitive periods: /api/alerts/zero. Types come from the
 * generated schema, named here so the part's pages import them from one place.
 */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type PeriodKindName = 'monthly' | 'daily'
export type ZeroOut = S['ZeroOut']
export type ZeroFiledOut = S['ZeroFiledOut']
export type UnitStatusOut = S['UnitStatusOut']
export type ZeroIn = S['ZeroIn']
export type CurrentOut = S['CurrentOut']
export type PeriodStatusOut = S['PeriodStatusOut']
export type CompletenessOut = S['CompletenessOut']
export type CompletenessRow = S['CompletenessRowOut']
export type SensitivePeriodOut = S['SensitivePeriodOut']
export type PeriodIn = S['PeriodIn']
export type PeriodEditIn = S['PeriodEditIn']

export const zeroApi = {
  current: (opts?: Opts) => send(api.GET('/api/alerts/zero/current'), opts),
  file: (body: ZeroIn, opts?: Opts) => send(api.POST('/api/alerts/zero/reports', { body }), opts),
  history: () => send(api.GET('/api/alerts/zero/reports')),
  completeness: (unit: number, kind: PeriodKindName, start: string) =>
    send(api.GET('/api/alerts/zero/completeness', { params: { query: { unit, kind, start } } })),
  remind: (unit_id: number, kind: PeriodKindName, start: string) =>
    send(api.POST('/api/alerts/zero/remind', { body: { unit_id, kind, start } })),
}

export const periodsApi = {
  active: (opts?: Opts) => send(api.GET('/api/alerts/zero/periods/active'), opts),
  list: (unit: number, include_cancelled: boolean) =>
    send(api.GET('/api/alerts/zero/periods', { params: { query: { unit, include_cancelled } } })),
  create: (body: PeriodIn, opts?: Opts) => send(api.POST('/api/alerts/zero/periods', { body }), opts),
  update: (period_id: number, body: PeriodEditIn, opts?: Opts) =>
    send(api.PUT('/api/alerts/zero/periods/{period_id}', { params: { path: { period_id } }, body }), opts),
  cancel: (period_id: number) => send(api.POST('/api/alerts/zero/periods/{period_id}/cancel', { params: { path: { period_id } } })),
}
