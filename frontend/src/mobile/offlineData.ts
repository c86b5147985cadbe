/**
 * What the phone keeps for a day without a signal, and its clearing at logout. A browser cannot
 * encrypt at rest, so the phone keeps only what the day's work needs, masked, and forgets it
 * all when the worker logs out: the queued and refused actions (actionQueue), every answer kept
 * by lastSeen (code tables, grids, facilities, residents as last seen, masked) and the due
 * visits. Other parts register their own caches with `onClearOfflineData`.
 *
 * An expired login (401) does NOT clear: the same worker logs in again and the queue is sent.
 */
import { DUE_KEY } from './dueList'

const SEEN_PREFIX = 'zongzhi.m.seen.'

type Clearer = () => number | void
const clearers: Clearer[] = []

/** Counts of what has not reached the server yet, by the parts that keep something. */
type Counter = () => number
const counters: Counter[] = []

/** A part's own cache or queue, cleared with the rest at logout. */
export function onClearOfflineData(clear: Clearer, unsent?: Counter): void {
  clearers.push(clear)
  if (unsent) counters.push(unsent)
}

/** How many changes still wait on this phone (waiting or refused): the logout warns first when > 0. */
export function unsentCount(): number {
  return counters.reduce((n, c) => n + c(), 0)
}

function localStore(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** Forget everything personal the phone keeps. Returns how many unsent actions were dropped. */
export function clearOfflineData(store: Storage | null = localStore()): number {
  let dropped = 0
  for (const clear of clearers) {
    try {
      dropped += clear() ?? 0
    } catch {
      /* one part failing must not keep the others' data */
    }
  }
  if (store) {
    const keys: string[] = []
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i)
      if (k && k.startsWith(SEEN_PREFIX)) keys.push(k)
    }
    for (const k of [...keys, DUE_KEY]) store.removeItem(k)
  }
  return dropped
}
