import { api, send } from './http'
import type { QueryOf } from './types'

export const notificationsApi = {
  list: (page: QueryOf<'/api/notifications'> & { limit: number }) => send(api.GET('/api/notifications', { params: { query: page } })),
  /** Polled: never shows an error toast (a dropped poll is not worth interrupting anyone). */
  unread: () => send(api.GET('/api/notifications/unread'), { silent: true }),
  /** Mark the given notifications read; no ids marks them all. */
  markRead: (ids?: number[]) => send(api.POST('/api/notifications/read', { body: { ids: ids ?? null } })),
}
