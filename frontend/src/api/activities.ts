/** Activities (the activity ledger) and their monthly counts: /api/office/activities. */
import { api, send, type CallOptions } from './http'
import type { components, operations } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type ActivityOut = S['ActivityOut']
export type ActivityIn = S['ActivityIn']
export type ActivityPage = S['ActivityPageOut']
export type MonthlyOut = S['MonthlyOut']
export type MonthlyRowOut = S['MonthlyRowOut']
export type ActivityKind = ActivityIn['kind']
export type ActivityQuery = NonNullable<operations['zongzhi_office_api_activities_list_activities']['parameters']['query']>

export const ACTIVITY_KINDS: ActivityKind[] = ['village_affairs', 'leader_visit', 'special', 'publicity', 'patrol', 'other']

export const activitiesApi = {
  list: (query: ActivityQuery) => send(api.GET('/api/office/activities', { params: { query } })),
  total: (query: ActivityQuery) => send(api.GET('/api/office/activities/total', { params: { query } }), { silent: true }),
  get: (activity_id: number) => send(api.GET('/api/office/activities/{activity_id}', { params: { path: { activity_id } } })),
  create: (body: ActivityIn, opts?: Opts) => send(api.POST('/api/office/activities', { body }), opts),
  update: (activity_id: number, body: ActivityIn, opts?: Opts) =>
    send(api.PUT('/api/office/activities/{activity_id}', { params: { path: { activity_id } }, body }), opts),
  withdraw: (activity_id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/office/activities/{activity_id}/withdraw', { params: { path: { activity_id } }, body: { reason } }), opts),
  monthly: (unit: number, months?: number) => send(api.GET('/api/office/activities/monthly', { params: { query: { unit, months } } })),
}
