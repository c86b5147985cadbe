import { http } from './http'
import type { Paged, SessionOut } from './types'

export interface SessionFilter {
  user?: number
  limit?: number
  offset?: number
}

export const sessionsApi = {
  list: (filter: SessionFilter) => http.get<Paged<SessionOut>>('/sessions', { query: { ...filter } }),
  end: (id: SessionOut['id']) => http.post<void>(`/sessions/${id}/end`),
}
