import { api, send, type CallOptions } from './http'
import type { CalendarDayIn } from './types'

type Opts = Pick<CallOptions, 'silent'>

/** The working-day calendar: dates are `YYYY-MM-DD`. */
export const calendarApi = {
  year: (year: number) => send(api.GET('/api/calendar', { params: { query: { year } } })),
  status: (opts?: Opts) => send(api.GET('/api/calendar/status'), opts),
  setDay: (date: string, body: CalendarDayIn, opts?: Opts) => send(api.PUT('/api/calendar/days/{date}', { params: { path: { date } }, body }), opts),
  clearDay: (date: string) => send(api.DELETE('/api/calendar/days/{date}', { params: { path: { date } } })),
  completeYear: (year: number) => send(api.POST('/api/calendar/years/{year}/complete', { params: { path: { year } } })),
}
