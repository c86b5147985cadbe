import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import type { VisitCreatedOut, VisitIn } from '@/api/types'
import { VISIT_QUEUE_KEY, VISIT_REJECTED_KEY, createVisitQueue, type VisitQueueDeps } from '@/mobile/visitQueue'

function memoryStorage() {
  const data = new Map<string, string>()
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
}

const body = (content = 'Talked with the family'): VisitIn => ({
  visited_on: '2026-06-01',
  method: 'home',
  content,
  next_visit_on: null,
  companions: '',
  latitude: null,
  longitude: null,
  client_id: null,
})

const created = (isNew = true): VisitCreatedOut => ({
  created: isNew,
  visit: { id: 1 } as VisitCreatedOut['visit'],
  next_visit_on: '2026-07-01',
})
const networkError = () => new ApiError(0, { code: 'network_error', message: 'offline' })
const serverError = () => new ApiError(502, { code: 'http_502', message: 'bad gateway' })
const refused = () => new ApiError(409, { code: 'retired', message: 'no longer listed' })

function setup(send: VisitQueueDeps['send'], extra: Partial<VisitQueueDeps> = {}) {
  const storage = memoryStorage()
  let n = 0
  const events = new EventTarget()
  const q = createVisitQueue({ storage, send, newId: () => `id-${++n}`, events: events as unknown as Window, ...extra })
  const stored = () => JSON.parse(storage.data.get(VISIT_QUEUE_KEY) ?? '[]') as { clientId: string; categoryId: number }[]
  return { q, storage, stored, events }
}

describe('offline visit queue', () => {
  it('stores the visit with its client id before sending, and removes it once sent', async () => {
    let seen: unknown[] = []
    const send = vi.fn<VisitQueueDeps['send']>(async () => {
      seen = ctx.stored()
      return created()
    })
    const ctx = setup(send)
    const out = await ctx.q.enqueue(7, 'Wang', body())
    expect(out.status).toBe('sent')
    expect(seen).toHaveLength(1)
    expect(send).toHaveBeenCalledWith(7, expect.objectContaining({ client_id: 'id-1', content: 'Talked with the family' }))
    expect(ctx.stored()).toEqual([])
  })

  it('keeps the visit when offline and resends it with the same client id when the network returns', async () => {
    const send = vi.fn<VisitQueueDeps['send']>().mockRejectedValueOnce(networkError()).mockResolvedValue(created(false))
    const ctx = setup(send)
    ctx.q.start()
    expect((await ctx.q.enqueue(7, 'Wang', body())).status).toBe('queued')
    expect(ctx.q.pendingFor(7)).toHaveLength(1)
    expect(ctx.q.pendingFor(8)).toHaveLength(0)
    ctx.events.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(ctx.q.items.value).toHaveLength(0))
    expect(send.mock.calls.map((c) => c[1].client_id)).toEqual(['id-1', 'id-1'])
    ctx.q.stop()
  })

  it('waits while logged out, and survives a reload from storage', async () => {
    const send = vi.fn<VisitQueueDeps['send']>().mockResolvedValue(created())
    const ctx = setup(send, { canSend: () => false })
    expect((await ctx.q.enqueue(3, 'Li', body())).status).toBe('queued')
    expect(send).not.toHaveBeenCalled()
    const again = createVisitQueue({ storage: ctx.storage, send })
    expect(again.items.value.map((v) => v.categoryId)).toEqual([3])
    expect(await again.flush()).toBe(1)
    expect(again.items.value).toEqual([])
  })

  it('retries server errors but moves a refusal to the rejected list', async () => {
    const send = vi
      .fn<VisitQueueDeps['send']>()
      .mockRejectedValueOnce(serverError())
      .mockRejectedValueOnce(refused())
    const ctx = setup(send, { canSend: () => false })
    await ctx.q.enqueue(4, 'Zhao', body())
    const live = createVisitQueue({ storage: ctx.storage, send })
    expect(await live.flush()).toBe(0)
    expect(live.items.value).toHaveLength(1)
    expect(await live.flush()).toBe(1)
    expect(live.items.value).toHaveLength(0)
    expect(live.rejected.value).toMatchObject([{ name: 'Zhao', message: 'no longer listed', categoryId: 4 }])
    expect(JSON.parse(ctx.storage.data.get(VISIT_REJECTED_KEY) ?? '[]')).toHaveLength(1)
    live.dismissRejected(live.rejected.value[0]?.clientId ?? '')
    expect(live.rejected.value).toEqual([])
  })

  it('hands a refusal of the visit being filled in back to the form, not to the rejected list', async () => {
    const ctx = setup(async () => {
      throw new ApiError(400, { code: 'required', message: 'too short', errors: [{ field: 'content', message: 'too short' }] })
    })
    const out = await ctx.q.enqueue(1, 'Wang', body('ok'))
    expect(out.status).toBe('rejected')
    expect(ctx.q.rejected.value).toEqual([])
    expect(ctx.q.items.value).toEqual([])
  })

  it('stops a flush at the first network failure, keeping the order', async () => {
    const send = vi.fn<VisitQueueDeps['send']>().mockResolvedValueOnce(created()).mockRejectedValue(networkError())
    const ctx = setup(send, { canSend: () => false })
    await ctx.q.enqueue(1, 'A', body())
    await ctx.q.enqueue(2, 'B', body())
    await ctx.q.enqueue(3, 'C', body())
    const live = createVisitQueue({ storage: ctx.storage, send })
    expect(await live.flush()).toBe(1)
    expect(live.items.value.map((v) => v.categoryId)).toEqual([2, 3])
  })
})
