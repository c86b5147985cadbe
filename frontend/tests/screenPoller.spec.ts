import { describe, expect, it } from 'vitest'
import { backoffDelay, createPoller, type LinkState, type Timers } from '@/console/views/screen/poller'

/** Timers that run only when the test says so, recording each wait asked for. */
function manualTimers(): Timers & { waits: number[]; fire: () => Promise<void> } {
  let pending: (() => void) | null = null
  const waits: number[] = []
  return {
    waits,
    set(fn, ms) {
      waits.push(ms)
      pending = fn
      return waits.length
    },
    clear() {
      pending = null
    },
    async fire() {
      const fn = pending
      pending = null
      fn?.()
      await new Promise((r) => setTimeout(r, 0))
    },
  }
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('big screen refresh', () => {
  it('doubles the retry delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 2000, 60000))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000])
  })

  it('keeps the last data through an outage, retries with backoff and recovers by itself', async () => {
    const timers = manualTimers()
    const answers: Array<number | Error> = [1, new Error('down'), new Error('down'), new Error('down'), 2, 3]
    const shown: number[] = []
    const states: LinkState[] = []
    const poller = createPoller<number>({
      load: async () => {
        const a = answers.shift()
        if (a instanceof Error || a === undefined) throw a ?? new Error('none')
        return a
      },
      onData: (d) => shown.push(d),
      onState: (s) => states.push(s),
      isFinal: () => false,
      interval: 30000,
      baseDelay: 2000,
      maxDelay: 60000,
      timers,
    })
    poller.start()
    await flush()
    expect(shown).toEqual([1])
    for (let i = 0; i < 4; i++) await timers.fire()
    // the data on screen stayed 1 during the outage, then the next answers replaced it
    expect(shown).toEqual([1, 2])
    expect(timers.waits).toEqual([30000, 2000, 4000, 8000, 30000])
    expect(states).toEqual(['loading', 'ok', 'retrying', 'retrying', 'retrying', 'ok'])
    poller.stop()
  })

  it('stops retrying when the session has ended', async () => {
    const timers = manualTimers()
    const states: LinkState[] = []
    const poller = createPoller<number>({
      load: async () => {
        throw new Error('ended')
      },
      onData: () => undefined,
      onState: (s) => states.push(s),
      isFinal: (e) => e instanceof Error && e.message === 'ended',
      timers,
    })
    poller.start()
    await flush()
    expect(states).toEqual(['loading', 'ended'])
    expect(timers.waits).toEqual([])
  })
})
