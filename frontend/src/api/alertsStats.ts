/** The alerts statistics of a month for the units under a unit, and their Excel export. */
import { api, send } from './http'
import type { components } from './schema'

type S = components['schemas']

export type AlertStats = S['AlertStatsOut']
export type LevelCounts = S['LevelCounts']

export const alertsStatsApi = {
  /** `month` is `YYYY-MM`; `unit` null means the user's own unit. */
  get: (unit: number | null, month: string) => send(api.GET('/api/alerts/stats', { params: { query: { unit, month } } })),
  export: (unit: number | null, month: string) =>
    send(api.GET('/api/alerts/stats/export', { params: { query: { unit, month } }, parseAs: 'blob' })),
}
