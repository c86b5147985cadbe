/** Patrols: routes, the phone's patrols (by client id) and the patrol records: /api/office/patrols. */
import { api, send, type CallOptions } from './http'
import type { components, operations } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type RouteOut = S['PatrolRouteOut']
export type RouteIn = S['PatrolRouteIn']
export type PointIn = S['PatrolPointIn']
export type PointOut = S['PatrolPointOut']
export type MemberOut = S['PatrolMemberOut']
export type PatrolOut = S['PatrolOut']
export type PatrolDetail = S['PatrolDetailOut']
export type CheckInOut = S['PatrolCheckInOut']
export type CheckInIn = S['PatrolCheckInIn']
export type StartIn = S['PatrolStartIn']
export type EndIn = S['PatrolEndIn']
export type MineOut = S['PatrolMineOut']
export type RouteQuery = NonNullable<operations['zongzhi_office_api_patrols_list_routes']['parameters']['query']>
export type PatrolQuery = NonNullable<operations['zongzhi_office_api_patrols_list_patrols']['parameters']['query']>

const byClient = (client_id: string) => ({ params: { path: { client_id } } })

export const patrolsApi = {
  routes: (query: RouteQuery) => send(api.GET('/api/office/patrols/routes', { params: { query } })),
  route: (route_id: number) => send(api.GET('/api/office/patrols/routes/{route_id}', { params: { path: { route_id } } })),
  memberOptions: (unit: number) => send(api.GET('/api/office/patrols/routes/member-options', { params: { query: { unit } } })),
  createRoute: (body: RouteIn, opts?: Opts) => send(api.POST('/api/office/patrols/routes', { body }), opts),
  updateRoute: (route_id: number, body: RouteIn, opts?: Opts) =>
    send(api.PUT('/api/office/patrols/routes/{route_id}', { params: { path: { route_id } }, body }), opts),
  withdrawRoute: (route_id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/office/patrols/routes/{route_id}/withdraw', { params: { path: { route_id } }, body: { reason } }), opts),
  list: (query: PatrolQuery) => send(api.GET('/api/office/patrols', { params: { query } })),
  total: (query: PatrolQuery) => send(api.GET('/api/office/patrols/total', { params: { query } }), { silent: true }),
  get: (patrol_id: number) => send(api.GET('/api/office/patrols/{patrol_id}', { params: { path: { patrol_id } } })),
  mine: (opts?: Opts) => send(api.GET('/api/office/patrols/mine'), opts),
  start: (body: StartIn, opts?: Opts) => send(api.POST('/api/office/patrols', { body }), opts),
  checkIn: (client_id: string, body: CheckInIn, opts?: Opts) =>
    send(api.POST('/api/office/patrols/by-client/{client_id}/check-ins', { ...byClient(client_id), body }), opts),
  track: (client_id: string, points: number[][], opts?: Opts) =>
    send(api.POST('/api/office/patrols/by-client/{client_id}/track', { ...byClient(client_id), body: { points } }), opts),
  end: (client_id: string, body: EndIn, opts?: Opts) =>
    send(api.POST('/api/office/patrols/by-client/{client_id}/end', { ...byClient(client_id), body }), opts),
}
