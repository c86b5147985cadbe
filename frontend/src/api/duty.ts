/** Duty: the roster, the log and the handover, and who is on duty now. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type Roster = S['RosterOut']
export type Shift = S['ShiftOut']
export type ShiftDetail = S['ShiftDetailOut']
export type ShiftIn = S['ShiftIn']
export type RotationIn = S['RotationIn']
export type LogEntryIn = S['LogEntryIn']
export type LogEntry = S['LogEntryOut']
export type OnDuty = S['OnDutyOut']
export type Gaps = S['GapsOut']
export type LogKind = LogEntryIn['kind']

export const LOG_KINDS: readonly LogKind[] = ['call', 'visit', 'event', 'notice', 'other']

export const dutyApi = {
  /** A unit's roster over some days (`first`/`last` as YYYY-MM-DD), with the sensitive-period gaps. */
  roster: (unit: number | null, first: string, last: string) =>
    send(api.GET('/api/alerts/duty/roster', { params: { query: { unit, first, last } } })),
  createShift: (body: ShiftIn, opts?: Opts) => send(api.POST('/api/alerts/duty/shifts', { body }), opts),
  createRotation: (body: RotationIn, opts?: Opts) => send(api.POST('/api/alerts/duty/rotations', { body }), opts),
  shift: (id: number) => send(api.GET('/api/alerts/duty/shifts/{shift_id}', { params: { path: { shift_id: id } } })),
  cancel: (id: number, reason: string) =>
    send(api.POST('/api/alerts/duty/shifts/{shift_id}/cancel', { params: { path: { shift_id: id } }, body: { reason } })),
  addLog: (id: number, body: LogEntryIn, opts?: Opts) =>
    send(api.POST('/api/alerts/duty/shifts/{shift_id}/log', { params: { path: { shift_id: id } }, body }), opts),
  handOver: (id: number, notes: string, opts?: Opts) =>
    send(api.POST('/api/alerts/duty/shifts/{shift_id}/handover', { params: { path: { shift_id: id } }, body: { notes } }), opts),
  receive: (id: number) => send(api.POST('/api/alerts/duty/shifts/{shift_id}/receive', { params: { path: { shift_id: id } } })),
  /** Who is on duty now at the user's unit and the units above (the header). */
  now: () => send(api.GET('/api/alerts/duty/now'), { silent: true }),
  /** The coming days' shifts of the user's unit and the unit above (the phone). */
  upcoming: (days = 7) => send(api.GET('/api/alerts/duty/upcoming', { params: { query: { days } } })),
  gaps: (unit: number | null, first: string, last: string) =>
    send(api.GET('/api/alerts/duty/gaps', { params: { query: { unit, first, last } } })),
}
