import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { notificationsApi } from '@/api/notifications'
import { authApi } from '@/api/auth'
import { POLL_MS, useNotificationStore } from '@/console/stores/notifications'
import { useAuthStore } from '@/console/stores/auth'
import { makeMe } from './fixtures'

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})

afterEach(() => {
  useNotificationStore().stop()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('notification bell store', () => {
  it('polls the unread count on start and every 30 seconds', async () => {
    const unread = vi.spyOn(notificationsApi, 'unread').mockResolvedValue({ unread: 0 })
    const store = useNotificationStore()
    store.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(unread).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(POLL_MS)
    expect(unread).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(POLL_MS * 2)
    expect(unread).toHaveBeenCalledTimes(4)
    store.stop()
    await vi.advanceTimersByTimeAsync(POLL_MS * 2)
    expect(unread).toHaveBeenCalledTimes(4)
  })

  it('polls again when the window gets the focus back, and starts only once', async () => {
    const unread = vi.spyOn(notificationsApi, 'unread').mockResolvedValue({ unread: 1 })
    const store = useNotificationStore()
    store.start()
    store.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(unread).toHaveBeenCalledTimes(1)
    window.dispatchEvent(new Event('focus'))
    await vi.advanceTimersByTimeAsync(0)
    expect(unread).toHaveBeenCalledTimes(2)
    expect(store.unread).toBe(1)
  })

  it('refreshes the to-do badge when the unread count rises, and survives a failed poll', async () => {
    const auth = useAuthStore()
    auth.setMe(makeMe({ todo_count: 1 }))
    const unread = vi.spyOn(notificationsApi, 'unread').mockResolvedValueOnce({ unread: 2 }).mockRejectedValueOnce(new Error('offline'))
    const me = vi.spyOn(authApi, 'me').mockResolvedValue(makeMe({ todo_count: 4 }))
    const store = useNotificationStore()
    await store.poll()
    expect(store.unread).toBe(2)
    expect(me).toHaveBeenCalledTimes(1)
    expect(auth.me?.todo_count).toBe(4)
    await store.poll()
    expect(store.unread).toBe(2)
    expect(unread).toHaveBeenCalledTimes(2)
  })

  it('marks one and all read, updating the count and the list', async () => {
    const note = (id: number) => ({ id, kind: 'new', title: 't', body: 'b', case_id: id * 10, link: '', created_at: '2026-01-01T00:00:00Z', read_at: null })
    vi.spyOn(notificationsApi, 'list').mockResolvedValue({ items: [note(1), note(2)], count: 2 })
    const mark = vi.spyOn(notificationsApi, 'markRead').mockResolvedValueOnce({ unread: 1 }).mockResolvedValueOnce({ unread: 0 })
    const store = useNotificationStore()
    await store.loadLatest()
    await store.markRead([1])
    expect(mark).toHaveBeenLastCalledWith([1])
    expect(store.unread).toBe(1)
    expect(store.latest.find((n) => n.id === 1)?.read_at).not.toBeNull()
    expect(store.latest.find((n) => n.id === 2)?.read_at).toBeNull()
    await store.markAllRead()
    expect(mark).toHaveBeenLastCalledWith()
    expect(store.unread).toBe(0)
    expect(store.latest.every((n) => n.read_at)).toBe(true)
  })

  it('sets the to-do badge from the case counts', () => {
    const auth = useAuthStore()
    auth.setMe(makeMe({ todo_count: 1 }))
    useNotificationStore().setTodo(3)
    expect(auth.me?.todo_count).toBe(3)
  })
})
