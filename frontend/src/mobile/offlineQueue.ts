/**
 * What the phone's offline queues (reports, visits) share: lists kept in localStorage, one send
 * per item at a time, a single-flight "send everything, oldest first" that stops at the first
 * network failure, and retrying when the browser comes back online.
 */
import type { Ref } from 'vue'

type Store = Pick<Storage, 'getItem' | 'setItem'>
type Events = Pick<Window, 'addEventListener' | 'removeEventListener'> | null | undefined

export function readList<T>(storage: Store, key: string): T[] {
  try {
    const raw = storage.getItem(key)
    const v: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(v) ? (v as T[]) : []
  } catch {
    return []
  }
}

export function writeList(storage: Store, key: string, value: unknown[]): void {
  try {
    storage.setItem(key, JSON.stringify(value))
  } catch {
    /* storage full or disabled: the in-memory queue still retries while the page lives */
  }
}

/** `run(item)` never twice at the same time for one client id: a second call joins the first. */
export function oneAtATime<T extends { clientId: string }, R>(run: (item: T) => Promise<R>): (item: T) => Promise<R> {
  const inFlight = new Map<string, Promise<R>>()
  return (item) => {
    const running = inFlight.get(item.clientId)
    if (running) return running
    const p = run(item).finally(() => inFlight.delete(item.clientId))
    inFlight.set(item.clientId, p)
    return p
  }
}

/** Send everything queued, oldest first; stops at the first item not done (network failure).
 * Concurrent calls share one run. Resolves to how many items left the queue. */
export function flusher<T>(
  items: Ref<T[]>,
  sending: Ref<boolean>,
  canSend: () => boolean,
  sendOne: (item: T) => Promise<{ done: boolean }>,
): () => Promise<number> {
  let flushing: Promise<number> | null = null
  return () => {
    if (flushing) return flushing
    flushing = (async () => {
      let n = 0
      if (!canSend()) return n
      sending.value = true
      try {
        for (const item of [...items.value]) {
          const out = await sendOne(item)
          if (!out.done) break
          n += 1
        }
      } finally {
        sending.value = false
      }
      return n
    })().finally(() => {
      flushing = null
    })
    return flushing
  }
}

/** start/stop: retry whenever the browser reports the network is back, and once now. */
export function onlineRetry(events: Events, flush: () => Promise<number>): { start: () => void; stop: () => void } {
  const onOnline = (): void => void flush()
  return {
    start: () => {
      events?.addEventListener('online', onOnline)
      void flush()
    },
    stop: () => events?.removeEventListener('online', onOnline),
  }
}
