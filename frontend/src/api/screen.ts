/** The home dashboard per role and the county centre's big screen. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']

export type Dashboard = S['DashboardOut']
export type ScreenData = S['ScreenOut']
export type ScreenMap = S['ScreenMapOut']
export type FeedItem = S['FeedItemOut']

export const screenApi = {
  /** `unit` null: the caller's own unit; `month` is `YYYY-MM`, null for the current one. */
  dashboard: (unit: number | null, month: string | null, opts?: CallOptions) =>
    send(api.GET('/api/stats/dashboard', { params: { query: { unit, month } } }), opts),
  /** The whole big screen; silent and without redirects: the page shows its own link state. */
  screen: (unit: number | null) =>
    send(api.GET('/api/stats/screen', { params: { query: { unit } } }), { silent: true, noRedirect: true }),
  map: (unit: number | null) =>
    send(api.GET('/api/stats/screen/map', { params: { query: { unit } } }), { silent: true, noRedirect: true }),
}
