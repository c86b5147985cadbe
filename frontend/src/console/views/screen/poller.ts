/**
 * The big screen's refresh loop: load every `interval` ms; on a failure keep the last data on
 * screen, mark the link as broken and retry with a growing delay (doubling from `baseDelay` up to
 * `maxDelay`), then go back to the normal interval by itself once an answer comes. A session that
 * has ended is not retried: the page says so and waits for a new login.
 *
 * Timers are injected so the loop is tested without waiting (tests/screenPoller.spec.ts).
 */

export type LinkState = 'loading' | 'ok' | 'retrying' | 'ended'

export interface Timers {
  set: (fn: () => void, ms: number) => unknown
  clear: (handle: unknown) => void
}

export interface PollerOptions<T> {
  load: () => Promise<T>
  onData: (data: T) => void
  onState: (state: LinkState, failures: number) => void
  /** A failure that retrying cannot mend (the login ended). */
  isFinal: (error: unknown) => boolean
  interval?: number
  baseDelay?: number
  maxDelay?: number
  timers?: Timers
}

export const REFRESH_MS = 30_000
export const RETRY_BASE_MS = 2_000
export const RETRY_MAX_MS = 60_000

/** The wait before retry number `failures` (1 for the first): base, 2×base, 4×base … capped. */
export function backoffDelay(failures: number, base = RETRY_BASE_MS, max = RETRY_MAX_MS): number {
  if (failures <= 0) return base
  return Math.min(max, base * 2 ** (failures - 1))
}

const browserTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export interface Poller {
  start: () => void
  stop: () => void
  /** Load now (a unit chosen, or the user asks), then carry on with the usual rhythm. */
  refresh: () => Promise<void>
}

export function createPoller<T>(options: PollerOptions<T>): Poller {
  const interval = options.interval ?? REFRESH_MS
  const base = options.baseDelay ?? RETRY_BASE_MS
  const max = options.maxDelay ?? RETRY_MAX_MS
  const timers = options.timers ?? browserTimers
  let handle: unknown = null
  let failures = 0
  let running = false
  let ended = false
  let generation = 0

  function schedule(ms: number): void {
    if (handle !== null) timers.clear(handle)
    handle = running && !ended ? timers.set(() => void tick(), ms) : null
  }

  async function tick(): Promise<void> {
    handle = null
    const mine = ++generation
    try {
      const data = await options.load()
      if (mine !== generation || !running) return
      failures = 0
      options.onData(data)
      options.onState('ok', 0)
      schedule(interval)
    } catch (e) {
      if (mine !== generation || !running) return
      if (options.isFinal(e)) {
        ended = true
        options.onState('ended', failures)
        schedule(0)
        return
      }
      failures += 1
      options.onState('retrying', failures)
      schedule(backoffDelay(failures, base, max))
    }
  }

  return {
    start() {
      if (running) return
      running = true
      ended = false
      options.onState('loading', 0)
      void tick()
    },
    stop() {
      running = false
      generation += 1
      if (handle !== null) timers.clear(handle)
      handle = null
    },
    async refresh() {
      if (!running) return
      if (handle !== null) timers.clear(handle)
      handle = null
      ended = false
      await tick()
    },
  }
}
