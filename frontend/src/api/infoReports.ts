/**
 * Information reports (stability information): report, list, open, act, follow up; time limits
 * per urgency; lapses (late, missing, concealed) per unit and month.
 */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'
import type { QueryOf } from './types'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type InfoBox = 'todo' | 'sent' | 'mine' | 'all'
export type InfoReportRow = S['InfoReportRowOut']
export type InfoReport = S['InfoReportOut']
export type InfoReportCreateIn = S['InfoReportCreateIn']
export type InfoReportCreated = S['InfoReportCreatedOut']
export type InfoReportCounts = S['InfoReportCountsOut']
export type InfoTimelineStep = S['InfoTimelineOut']
export type InfoLimit = S['InfoLimitOut']
export type InfoLapse = S['InfoLapseOut']
export type InfoAction = 'screen' | 'forward' | 'return' | 'convert' | 'close' | 'follow_up'
export type InfoUrgency = InfoReportRow['urgency']
export type InfoClassification = InfoReportRow['classification']
export type InfoStatus = InfoReportRow['status']

export const URGENCIES: readonly InfoUrgency[] = ['major', 'important', 'normal']
export const CLASSIFICATIONS: readonly InfoClassification[] = ['normal', 'internal', 'secret']
export const SOURCES = ['grid_worker', 'informant', 'department', 'public'] as const
export const INFO_STATUSES: readonly InfoStatus[] = ['pending', 'returned', 'converted', 'closed']

export interface InfoListFilter extends QueryOf<'/api/alerts/reports'> {
  box: InfoBox
}

const path = (id: number) => ({ params: { path: { report_id: id } } })

export const infoReportsApi = {
  list: (filter: InfoListFilter) => send(api.GET('/api/alerts/reports', { params: { query: filter } })),
  total: (filter: InfoListFilter) => send(api.GET('/api/alerts/reports/total', { params: { query: filter } }), { silent: true }),
  counts: (opts?: Opts) => send(api.GET('/api/alerts/reports/counts'), opts),
  get: (id: number) => send(api.GET('/api/alerts/reports/{report_id}', path(id))),
  create: (body: InfoReportCreateIn, opts?: Opts) => send(api.POST('/api/alerts/reports', { body }), opts),
  screen: (id: number, body: S['InfoScreenIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/screen', { ...path(id), body }), opts),
  forward: (id: number, body: S['InfoCommentIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/forward', { ...path(id), body }), opts),
  returnDown: (id: number, body: S['InfoCommentIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/return', { ...path(id), body }), opts),
  convert: (id: number, body: S['InfoCommentIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/convert', { ...path(id), body }), opts),
  close: (id: number, body: S['InfoCommentIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/close', { ...path(id), body }), opts),
  followUp: (id: number, body: S['InfoFollowUpIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/{report_id}/follow-ups', { ...path(id), body }), opts),
  /** The report a case was made from, if any (masked like a list row). */
  byCase: (caseId: number) =>
    send(api.GET('/api/alerts/reports/by-case/{case_id}', { params: { path: { case_id: caseId } } }), { silent: true }),
  limits: () => send(api.GET('/api/alerts/reports/limits')),
  updateLimit: (urgency: string, body: S['InfoLimitIn'], opts?: Opts) =>
    send(api.PUT('/api/alerts/reports/limits/{urgency}', { params: { path: { urgency } }, body }), opts),
  lapses: (query: QueryOf<'/api/alerts/reports/lapses'>) => send(api.GET('/api/alerts/reports/lapses', { params: { query } })),
  recordLapse: (body: S['InfoLapseIn'], opts?: Opts) => send(api.POST('/api/alerts/reports/lapses', { body }), opts),
  withdrawLapse: (id: number, body: S['InfoWithdrawIn'], opts?: Opts) =>
    send(api.POST('/api/alerts/reports/lapses/{lapse_id}/withdraw', { params: { path: { lapse_id: id } }, body }), opts),
}

/** Element Plus tag type for an urgency. */
export function urgencyTag(u: string): 'danger' | 'warning' | 'info' {
  return u === 'major' ? 'danger' : u === 'important' ? 'warning' : 'info'
}

/** Element Plus tag type for a classification. */
export function classificationTag(c: string): 'danger' | 'warning' | 'info' {
  return c === 'secret' ? 'danger' : c === 'internal' ? 'warning' : 'info'
}
