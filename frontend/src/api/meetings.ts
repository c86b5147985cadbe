/**
 * Meetings with their decisions, the monthly work meeting overview, and work logs:
 * /api/office/meetings and /api/office/work-logs.
 */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'
import type { QueryOf } from './types'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type MeetingKind = S['MeetingIn']['kind']
export type MeetingIn = S['MeetingIn']
export type DecisionIn = S['MeetingDecisionIn']
export type MeetingRow = S['MeetingRowOut']
export type Meeting = S['MeetingOut']
export type MeetingDecision = S['MeetingDecisionOut']
export type MeetingOptions = S['MeetingOptionsOut']
export type RegularOverview = S['MeetingRegularOut']
export type RegularRow = S['MeetingRegularRowOut']
export type OfficeFile = S['FileOut']
export type MeetingFilter = QueryOf<'/api/office/meetings'>

export type WorkLog = S['WorkLogOut']
export type WorkLogIn = S['WorkLogIn']
export type WorkLogFilter = QueryOf<'/api/office/work-logs'>

export const MEETING_KINDS: readonly MeetingKind[] = ['regular', 'joint', 'dispatch', 'leading_group', 'other']
export const JOINT_KINDS: readonly MeetingKind[] = ['joint', 'dispatch']

const mPath = (id: number) => ({ params: { path: { meeting_id: id } } })
const lPath = (id: number) => ({ params: { path: { log_id: id } } })

export const meetingsApi = {
  list: (query: MeetingFilter) => send(api.GET('/api/office/meetings', { params: { query } })),
  total: (query: MeetingFilter) => send(api.GET('/api/office/meetings/total', { params: { query } }), { silent: true }),
  options: () => send(api.GET('/api/office/meetings/options')),
  regular: (unit: number, months: number) =>
    send(api.GET('/api/office/meetings/regular', { params: { query: { unit, months } } })),
  get: (id: number) => send(api.GET('/api/office/meetings/{meeting_id}', mPath(id))),
  create: (body: MeetingIn, opts?: Opts) => send(api.POST('/api/office/meetings', { body }), opts),
  update: (id: number, body: MeetingIn, opts?: Opts) => send(api.PUT('/api/office/meetings/{meeting_id}', { ...mPath(id), body }), opts),
  withdraw: (id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/office/meetings/{meeting_id}/withdraw', { ...mPath(id), body: { reason } }), opts),
}

export const workLogsApi = {
  list: (query: WorkLogFilter) => send(api.GET('/api/office/work-logs', { params: { query } })),
  total: (query: WorkLogFilter) => send(api.GET('/api/office/work-logs/total', { params: { query } }), { silent: true }),
  get: (id: number) => send(api.GET('/api/office/work-logs/{log_id}', lPath(id))),
  create: (body: WorkLogIn, opts?: Opts) => send(api.POST('/api/office/work-logs', { body }), opts),
  update: (id: number, body: WorkLogIn, opts?: Opts) => send(api.PUT('/api/office/work-logs/{log_id}', { ...lPath(id), body }), opts),
  withdraw: (id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/office/work-logs/{log_id}/withdraw', { ...lPath(id), body: { reason } }), opts),
  convert: (id: number, category_code: string, opts?: Opts) =>
    send(api.POST('/api/office/work-logs/{log_id}/convert', { ...lPath(id), body: { category_code } }), opts),
}
