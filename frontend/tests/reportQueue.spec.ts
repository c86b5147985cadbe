import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import type { CaseCreatedOut, CaseCreateIn } from '@/api/types'
import { QUEUE_KEY, REJECTED_KEY, createReportQueue, uuid4, type QueueDeps } from '@/mobile/reportQueue'

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  }
}

const body = (title = 'A and B dispute'): CaseCreateIn => ({
  kind: 'event',
  title,
  description: '',
  category_code: '0108',
  people_count: 2,
  address: '',
  urgency: 'normal',
  is_major: false,
})

const created = (id: number): CaseCreatedOut => ({ created: true, case: { id } as CaseCreatedOut['case'] })
const networkError = () => new ApiError(0, { code: 'network_error', message: 'offline' })
const validationError = () =>
  new ApiError(400, { code: 'required', message: 'occurred_at missing', errors: [{ field: 'occurred_at', message: 'missing' }] })

function setup(send: QueueDeps['send'], extra: Partial<QueueDeps> = {}) {
  const storage = memoryStorage()
  let n = 0
  const events = new EventTarget()
  const q = createReportQueue({ storage, send, newId: () => `id-${++n}`, events: events as unknown as Window, ...extra })
  const stored = () => JSON.parse(storage.data.get(QUEUE_KEY) ?? '[]') as { clientId: string }[]
  return { q, storage, stored, events }
}

describe('offline report queue', () => {
  it('stores the report before sending and removes it after success', async () => {
    let seenInStorage: unknown[] = []
    const ctx = setup(async () => {
      seenInStorage = ctx.stored()
      return created(1)
    })
    const out = await ctx.q.enqueue(body())
    expect(out.status).toBe('sent')
    expect(seenInStorage).toHaveLength(1)
    expect(ctx.stored()).toEqual([])
    expect(ctx.q.items.value).toEqual([])
  })

  it('keeps the report after a network error and sends it when the browser is online again', async () => {
    const send = vi.fn<QueueDeps['send']>().mockRejectedValueOnce(networkError()).mockResolvedValue(created(5))
    const ctx = setup(send)
    ctx.q.start() // flush on open: nothing queued yet
    expect((await ctx.q.enqueue(body())).status).toBe('queued')
    expect(ctx.stored()).toHaveLength(1)
    expect(ctx.q.items.value).toHaveLength(1)

    ctx.events.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(ctx.q.items.value).toHaveLength(0))
    expect(send).toHaveBeenCalledTimes(2)
    expect(ctx.stored()).toEqual([])
    ctx.q.stop()
  })

  it('sends one client_id per report, the same on every retry', async () => {
    const send = vi.fn<QueueDeps['send']>().mockRejectedValueOnce(networkError()).mockRejectedValueOnce(networkError()).mockResolvedValue(created(1))
    const ctx = setup(send)
    await ctx.q.enqueue(body('first'))
    await ctx.q.flush()
    await ctx.q.flush()
    const ids = send.mock.calls.map((c) => c[0].client_id)
    expect(ids).toEqual(['id-1', 'id-1', 'id-1'])
    expect(ctx.q.items.value).toEqual([])
  })

  it('retries queued reports when the app opens (from storage)', async () => {
    const first = setup(vi.fn<QueueDeps['send']>().mockRejectedValue(networkError()))
    await first.q.enqueue(body('a'))
    await first.q.enqueue(body('b'))
    const send = vi.fn<QueueDeps['send']>().mockResolvedValue(created(1))
    const reopened = createReportQueue({ storage: first.storage, send, events: null })
    expect(reopened.items.value).toHaveLength(2)
    reopened.start()
    await vi.waitFor(() => expect(reopened.items.value).toHaveLength(0))
    expect(send.mock.calls.map((c) => [c[0].title, c[0].client_id])).toEqual([
      ['a', 'id-1'],
      ['b', 'id-2'],
    ])
  })

  it('drops a report the server refuses (4xx) and keeps a visible error for it', async () => {
    const send = vi.fn<QueueDeps['send']>().mockRejectedValueOnce(networkError()).mockRejectedValue(validationError())
    const ctx = setup(send)
    await ctx.q.enqueue(body('bad report'))
    expect(ctx.q.items.value).toHaveLength(1)
    await ctx.q.flush()
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toMatchObject([{ clientId: 'id-1', title: 'bad report', message: 'occurred_at missing' }])
    expect(JSON.parse(ctx.storage.data.get(REJECTED_KEY) ?? '[]')).toHaveLength(1)
    ctx.q.dismissRejected('id-1')
    expect(ctx.q.rejected.value).toEqual([])
  })

  it('returns a refusal of a report being submitted now to the form, not to the queue', async () => {
    const ctx = setup(vi.fn<QueueDeps['send']>().mockRejectedValue(validationError()))
    const out = await ctx.q.enqueue(body())
    expect(out.status).toBe('rejected')
    if (out.status === 'rejected') expect(out.error.fieldErrors()).toHaveProperty('occurred_at')
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toEqual([])
  })

  it('keeps reports after a server error or an expired login, and stops at the first failure', async () => {
    const send = vi.fn<QueueDeps['send']>().mockRejectedValue(new ApiError(503, { code: 'http_503', message: 'down' }))
    const ctx = setup(send)
    ctx.q.items.value = [
      { clientId: 'x', body: body('x'), queuedAt: '', attempts: 0 },
      { clientId: 'y', body: body('y'), queuedAt: '', attempts: 0 },
    ]
    await ctx.q.flush()
    expect(send).toHaveBeenCalledTimes(1)
    expect(ctx.q.items.value).toHaveLength(2)
    send.mockRejectedValue(new ApiError(401, { code: 'not_authenticated', message: 'login' }))
    await ctx.q.flush()
    expect(ctx.q.items.value).toHaveLength(2)
  })

  it('waits while logged out', async () => {
    const send = vi.fn<QueueDeps['send']>()
    const ctx = setup(send, { canSend: () => false })
    expect((await ctx.q.enqueue(body())).status).toBe('queued')
    await ctx.q.flush()
    expect(send).not.toHaveBeenCalled()
    expect(ctx.q.items.value).toHaveLength(1)
  })

  it('makes v4 UUIDs without crypto.randomUUID (plain-http intranet pages)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a.fill(0xab) })
    expect(uuid4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    vi.unstubAllGlobals()
  })
})
