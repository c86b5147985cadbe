import { http } from './http'
import type { NotificationPage, UnreadOut } from './types'

export const notificationsApi = {
  list: (page: { limit: number; offset?: number; unread?: boolean }) =>
    http.get<NotificationPage>('/notifications', { query: { ...page } }),
  /** Polled: never shows an error toast (a dropped poll is not worth interrupting anyone). */
  unread: () => http.get<UnreadOut>('/notifications/unread', { silent: true }),
  /** Mark the given notifications read; no ids marks them all. */
  markRead: (ids?: number[]) => http.post<UnreadOut>('/notifications/read', { ids: ids ?? null }),
}
