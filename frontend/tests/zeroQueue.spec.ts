import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import type { ZeroIn, ZeroOut } from '@/api/zeroReports'
import { ZERO_QUEUE_KEY, ZERO_REJECTED_KEY, createZeroQueue, type ZeroQueueDeps } from '@/mobile/zeroQueue'

function memoryStorage() {
  const data = new Map<string, string>()
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
}

const body = (): ZeroIn => ({ kind: null, note: '', client_id: null, period_start: '2026-12-01' })
const filed = (clientId: string): ZeroOut => ({
  unit_name: '冯墙一网格',
  id: 1,
  period_kind: 'monthly',
  period_start: '2026-12-01',
  note: '',
  reported_by: 'Li',
  reported_at: '2026-12-04T10:00:00+08:00',
  client_id: clientId,
})

function setup(send: ZeroQueueDeps['send']) {
  const storage = memoryStorage()
  let n = 0
  const events = new EventTarget()
  const q = createZeroQueue({ storage, send, newId: () => `id-${++n}`, events: events as unknown as Window })
  const stored = () => JSON.parse(storage.data.get(ZERO_QUEUE_KEY) ?? '[]') as { clientId: string }[]
  return { q, storage, stored, events }
}

describe('offline zero-report queue', () => {
  it('sends at once with a client id and the period the user saw', async () => {
    const send = vi.fn<ZeroQueueDeps['send']>(async (b) => filed(b.client_id ?? ''))
    const ctx = setup(send)
    const out = await ctx.q.enqueue('2026-12', body())
    expect(out.status).toBe('sent')
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ client_id: 'id-1', period_start: '2026-12-01' }))
    expect(ctx.stored()).toEqual([])
  })

  it('keeps the report offline and resends it with the same client id when the network returns', async () => {
    const send = vi
      .fn<ZeroQueueDeps['send']>()
      .mockRejectedValueOnce(new ApiError(0, { code: 'network_error', message: 'offline' }))
      .mockImplementation(async (b) => filed(b.client_id ?? ''))
    const ctx = setup(send)
    ctx.q.start()
    expect((await ctx.q.enqueue('2026-12', body())).status).toBe('queued')
    expect(ctx.q.items.value).toHaveLength(1)
    expect(await ctx.q.flush()).toBe(1)
    expect(send).toHaveBeenLastCalledWith(expect.objectContaining({ client_id: 'id-1' }))
    expect(ctx.q.items.value).toEqual([])
    ctx.q.stop()
  })

  it('moves a refused report (the period ended meanwhile) to the rejected list with its message', async () => {
    const send = vi
      .fn<ZeroQueueDeps['send']>()
      .mockRejectedValueOnce(new ApiError(0, { code: 'network_error', message: 'offline' }))
      .mockRejectedValue(new ApiError(409, { code: 'period_changed', message: 'period changed' }))
    const ctx = setup(send)
    await ctx.q.enqueue('2026-11', body())
    await ctx.q.flush()
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toEqual([{ clientId: 'id-1', label: '2026-11', message: 'period changed' }])
    expect(JSON.parse(ctx.storage.data.get(ZERO_REJECTED_KEY) ?? '[]')).toHaveLength(1)
    ctx.q.dismissRejected('id-1')
    expect(ctx.q.rejected.value).toEqual([])
  })
})
