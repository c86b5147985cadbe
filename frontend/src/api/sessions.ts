import { api, send } from './http'
import type { QueryOf, SessionOut } from './types'

export type SessionFilter = QueryOf<'/api/sessions'>

export const sessionsApi = {
  list: (filter: SessionFilter) => send(api.GET('/api/sessions', { params: { query: filter } })),
  end: (id: SessionOut['id']): Promise<void> => send(api.POST('/api/sessions/{session_id}/end', { params: { path: { session_id: id } } })),
}
