/** The office's ledgers (one ledger, the monthly bundle, their Excel files), its month calendar and its rules. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']

export type LedgerKind = S['KindOut']
export type Ledger = S['LedgerOut']
export type LedgerBody = S['LedgerBody']
export type MonthlyLedger = S['MonthlyLedgerOut']
export type OfficeCalendar = S['CalendarOut']
export type CalendarEntry = S['EntryOut']
export type OfficeRule = S['RuleOut']

export interface LedgerQuery {
  kind: string
  unit: number | null
  from: string
  to: string
}

export const ledgersApi = {
  kinds: () => send(api.GET('/api/office/ledgers/kinds')),
  get: (q: LedgerQuery) => send(api.GET('/api/office/ledgers', { params: { query: q } })),
  export: (q: LedgerQuery) => send(api.GET('/api/office/ledgers/export', { params: { query: q }, parseAs: 'blob' })),
  /** `month` is `YYYY-MM`; `unit` null means the user's own unit. */
  monthly: (unit: number | null, month: string) =>
    send(api.GET('/api/office/ledgers/monthly', { params: { query: { unit, month } } })),
  exportMonthly: (unit: number | null, month: string) =>
    send(api.GET('/api/office/ledgers/monthly/export', { params: { query: { unit, month } }, parseAs: 'blob' })),
}

export const officeCalendarApi = {
  get: (unit: number | null, month: string) => send(api.GET('/api/office/calendar', { params: { query: { unit, month } } })),
}

export const officeRulesApi = {
  list: () => send(api.GET('/api/office/rules')),
  set: (key: string, value: number, opts?: Pick<CallOptions, 'silent'>) =>
    send(api.PUT('/api/office/rules/{key}', { params: { path: { key } }, body: { value } }), opts),
}
