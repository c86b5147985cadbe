import { http, type RequestOptions } from './http'
import type { CalendarDay, CalendarDayIn, CalendarStatus, CalendarYear, CalendarYearStatus } from './types'

type Opts = Pick<RequestOptions, 'silent'>

/** The working-day calendar: dates are `YYYY-MM-DD`. */
export const calendarApi = {
  year: (year: number) => http.get<CalendarYear>('/calendar', { query: { year } }),
  status: (opts?: Opts) => http.get<CalendarStatus>('/calendar/status', opts),
  setDay: (date: string, body: CalendarDayIn, opts?: Opts) => http.put<CalendarDay>(`/calendar/days/${date}`, body, opts),
  clearDay: (date: string) => http.delete<CalendarDay>(`/calendar/days/${date}`),
  completeYear: (year: number) => http.post<CalendarYearStatus>(`/calendar/years/${year}/complete`),
}
