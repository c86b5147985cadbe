/** The statistics pages' figures (/api/stats): a unit's month, each figure with its list's route. */
import { api, send } from './http'
import type { components } from './schema'

type S = components['schemas']

export type StatsCases = S['CaseStatsOut']
export type StatsPopulation = S['PopulationStatsOut']
export type StatsKeyCount = S['StatsKeyCount']
export type StatsLink = S['StatsLink']
export type StatsChildRow = S['StatsChildRow']

export const statsApi = {
  /** `month` is `YYYY-MM`; `unit` null means the user's own unit. */
  cases: (unit: number | null, month: string) => send(api.GET('/api/stats/cases', { params: { query: { unit, month } } })),
  population: (unit: number | null, month: string) =>
    send(api.GET('/api/stats/population', { params: { query: { unit, month } } })),
}
