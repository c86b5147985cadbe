/** Logins on duty: who has (not) logged in on the phone, per day and per month: /api/field/duty. */
import { api, send } from './http'
import type { components } from './schema'

type S = components['schemas']

export type DutyDayOut = S['DutyDayOut']
export type WorkerDayOut = S['WorkerDayOut']
export type TerminalDayOut = S['TerminalDayOut']
export type DutyMonthOut = S['DutyMonthOut']
export type WorkerMonthOut = S['WorkerMonthOut']

export const fieldDutyApi = {
  day: (unit: number | null, date?: string) =>
    send(api.GET('/api/field/duty/day', { params: { query: { unit: unit ?? undefined, date } } })),
  month: (unit: number | null, month?: string) =>
    send(api.GET('/api/field/duty/month', { params: { query: { unit: unit ?? undefined, month } } })),
}
