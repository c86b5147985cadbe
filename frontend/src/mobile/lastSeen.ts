/**
 * Answers the phone keeps from the last time it fetched them, for a worker without a signal:
 * the event categories, the system's settings and the login's user. The offline shell (the
 * service worker, see vite.config.ts) keeps the app's files; this keeps the data the forms need.
 * Only a network failure falls back on the kept answer: a refusal from the server (401, 403…)
 * is passed on as it is.
 */
import { isApiError } from '@/api/http'
import { dictionaryApi } from '@/api/dictionary'
import { systemApi } from '@/api/system'

const PREFIX = 'zongzhi.m.seen.'

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

function storage(): Store | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

export function kept<T>(key: string, store: Store | null = storage()): T | undefined {
  try {
    const raw = store?.getItem(PREFIX + key)
    return raw ? (JSON.parse(raw) as T) : undefined
  } catch {
    return undefined
  }
}

export function keep(key: string, value: unknown, store: Store | null = storage()): void {
  try {
    store?.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    /* storage full: the answer is still used now */
  }
}

export function forget(key: string, store: Store | null = storage()): void {
  try {
    store?.removeItem(PREFIX + key)
  } catch {
    /* nothing kept */
  }
}

export function isOffline(e: unknown): boolean {
  return isApiError(e) && e.status === 0
}

/** `load()`'s answer, kept under `key`; without a network, the answer kept last time (if any). */
export async function lastSeen<T>(key: string, load: () => Promise<T>, store: Store | null = storage()): Promise<T> {
  try {
    const value = await load()
    keep(key, value, store)
    return value
  } catch (e) {
    const old = isOffline(e) ? kept<T>(key, store) : undefined
    if (old === undefined) throw e
    return old
  }
}

export const eventCategories = () => lastSeen('event_category', () => dictionaryApi.items('event_category', false, { silent: true }))
export const systemConfig = () => lastSeen('config', () => systemApi.config())
export const infoCategories = () => lastSeen('info_category', () => dictionaryApi.items('info_category', false, { silent: true }))

/** Fetch now, while there is a signal, what the forms need later without one. */
export function warmOfflineData(): void {
  void eventCategories().catch(() => undefined)
  void systemConfig().catch(() => undefined)
  void infoCategories().catch(() => undefined)
}
