import { defineStore } from 'pinia'
import { ref } from 'vue'
import { authApi } from '@/api/auth'
import { notificationsApi } from '@/api/notifications'
import type { NotificationOut } from '@/api/types'
import { useAuthStore } from './auth'

export const POLL_MS = 30_000
export const LATEST_LIMIT = 10

/**
 * The header bell: the unread count, polled every 30 s and whenever the window gets the focus
 * back, and the latest notifications for the dropdown. A rise in the unread count usually means
 * a case arrived, so the to-do badge (me.todo_count) is refreshed with it.
 */
export const useNotificationStore = defineStore('notifications', () => {
  const unread = ref(0)
  const latest = ref<NotificationOut[]>([])
  const loadingLatest = ref(false)
  let timer: ReturnType<typeof setInterval> | null = null
  let polling: Promise<void> | null = null

  async function refreshTodo(): Promise<void> {
    const auth = useAuthStore()
    if (!auth.me) return
    try {
      const me = await authApi.me({ silent: true, noRedirect: true })
      if (auth.me) auth.me.todo_count = me.todo_count
    } catch {
      /* keep the old badge; the next poll tries again */
    }
  }

  /** Set the to-do badge from a count the caller already has (the case list's counts). */
  function setTodo(n: number): void {
    const auth = useAuthStore()
    if (auth.me && auth.me.todo_count !== n) auth.me.todo_count = n
  }

  async function poll(): Promise<void> {
    if (polling) return polling
    polling = (async () => {
      try {
        const before = unread.value
        const { unread: now } = await notificationsApi.unread()
        unread.value = now
        if (now > before) await refreshTodo()
      } catch {
        /* offline or logged out: try again at the next tick */
      } finally {
        polling = null
      }
    })()
    return polling
  }

  async function loadLatest(): Promise<void> {
    loadingLatest.value = true
    try {
      latest.value = (await notificationsApi.list({ limit: LATEST_LIMIT })).items
    } finally {
      loadingLatest.value = false
    }
  }

  async function markRead(ids: number[]): Promise<void> {
    if (ids.length === 0) return
    const res = await notificationsApi.markRead(ids)
    unread.value = res.unread
    const now = new Date().toISOString()
    latest.value = latest.value.map((n) => (ids.includes(n.id) && !n.read_at ? { ...n, read_at: now } : n))
  }

  async function markAllRead(): Promise<void> {
    const res = await notificationsApi.markRead()
    unread.value = res.unread
    const now = new Date().toISOString()
    latest.value = latest.value.map((n) => (n.read_at ? n : { ...n, read_at: now }))
  }

  function onFocus(): void {
    void poll()
  }

  function onVisibility(): void {
    if (document.visibilityState === 'visible') void poll()
  }

  function start(intervalMs = POLL_MS): void {
    if (timer !== null) return
    void poll()
    timer = setInterval(() => void poll(), intervalMs)
    window.addEventListener('focus', onFocus)
    document.addEventListener('visibilitychange', onVisibility)
  }

  function stop(): void {
    if (timer !== null) clearInterval(timer)
    timer = null
    window.removeEventListener('focus', onFocus)
    document.removeEventListener('visibilitychange', onVisibility)
  }

  return { unread, latest, loadingLatest, poll, loadLatest, markRead, markAllRead, refreshTodo, setTodo, start, stop }
})
