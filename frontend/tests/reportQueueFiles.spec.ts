import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import type { CaseCreatedOut, CaseCreateIn } from '@/api/types'
import { QUEUE_KEY, REJECTED_KEY, createReportQueue, memoryBlobStore, type QueueDeps, type QueuedReport } from '@/mobile/reportQueue'

function memoryStorage() {
  const data = new Map<string, string>()
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
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
const typeError = () => new ApiError(400, { code: 'file_type', message: 'only jpg png webp mp4 mov webm', errors: [{ field: 'file', message: 'bad type' }] })
const photo = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type: 'image/jpeg' })

function setup(send: QueueDeps['send'], upload: NonNullable<QueueDeps['upload']>) {
  const storage = memoryStorage()
  const blobs = memoryBlobStore()
  let n = 0
  const q = createReportQueue({ storage, send, upload, blobs, newId: () => `id-${++n}`, events: null })
  const stored = () => JSON.parse(storage.data.get(QUEUE_KEY) ?? '[]') as QueuedReport[]
  return { q, storage, blobs, stored }
}

describe('offline report queue with photos and videos', () => {
  it('keeps the Blobs under the client id, uploads them before the report and names their ids', async () => {
    const order: string[] = []
    let blobsWhileSending = 0
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>(async (_blob, name) => {
      order.push(`upload ${name}`)
      return { id: name === 'a.jpg' ? 11 : 12 }
    })
    const send = vi.fn<QueueDeps['send']>(async (b) => {
      order.push('send')
      blobsWhileSending = ctx.blobs.data.get('id-1')?.length ?? 0
      expect(b.attachment_ids).toEqual([11, 12])
      expect(b.client_id).toBe('id-1')
      return created(7)
    })
    const ctx = setup(send, upload)
    const out = await ctx.q.enqueue(body(), [photo('a.jpg'), photo('b.jpg')])
    expect(out.status).toBe('sent')
    expect(order).toEqual(['upload a.jpg', 'upload b.jpg', 'send'])
    expect(blobsWhileSending).toBe(2)
    // sent: the Blobs are deleted and the queue is empty
    await vi.waitFor(() => expect(ctx.blobs.data.size).toBe(0))
    expect(ctx.stored()).toEqual([])
  })

  it('stores the files while offline and sends them later', async () => {
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>().mockRejectedValueOnce(networkError()).mockResolvedValue({ id: 5 })
    const send = vi.fn<QueueDeps['send']>().mockResolvedValue(created(1))
    const ctx = setup(send, upload)
    expect((await ctx.q.enqueue(body(), [photo('a.jpg')])).status).toBe('queued')
    expect(send).not.toHaveBeenCalled()
    expect(ctx.blobs.data.get('id-1')?.[0]?.name).toBe('a.jpg')
    expect(ctx.stored()[0]?.files).toEqual([{ name: 'a.jpg', type: 'image/jpeg', size: 4, attachmentId: null }])

    expect(await ctx.q.flush()).toBe(1)
    expect(send.mock.calls[0]?.[0].attachment_ids).toEqual([5])
    await vi.waitFor(() => expect(ctx.blobs.data.size).toBe(0))
  })

  it('resumes after a failure half-way without uploading a file twice', async () => {
    const upload = vi
      .fn<NonNullable<QueueDeps['upload']>>()
      .mockResolvedValueOnce({ id: 21 }) // a.jpg
      .mockRejectedValueOnce(networkError()) // b.jpg: the signal drops
      .mockResolvedValueOnce({ id: 22 }) // b.jpg on the retry
      .mockResolvedValueOnce({ id: 23 }) // c.jpg
    const send = vi.fn<QueueDeps['send']>().mockRejectedValueOnce(networkError()).mockResolvedValue(created(3))
    const ctx = setup(send, upload)

    expect((await ctx.q.enqueue(body(), [photo('a.jpg'), photo('b.jpg'), photo('c.jpg')])).status).toBe('queued')
    expect(ctx.stored()[0]?.files?.map((f) => f.attachmentId)).toEqual([21, null, null])

    await ctx.q.flush() // uploads b and c, then the report itself fails
    expect(ctx.stored()[0]?.files?.map((f) => f.attachmentId)).toEqual([21, 22, 23])
    expect(ctx.blobs.data.has('id-1')).toBe(true)

    await ctx.q.flush() // only the report is sent again
    expect(upload.mock.calls.map((c) => c[1])).toEqual(['a.jpg', 'b.jpg', 'b.jpg', 'c.jpg'])
    expect(send).toHaveBeenCalledTimes(2)
    expect(send.mock.calls[1]?.[0].attachment_ids).toEqual([21, 22, 23])
    expect(ctx.q.items.value).toEqual([])
    await vi.waitFor(() => expect(ctx.blobs.data.size).toBe(0))
  })

  it('does not upload twice when the app flushes while a send is still running', async () => {
    let release: (v: { id: number }) => void = () => undefined
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>(() => new Promise((r) => (release = r)))
    const send = vi.fn<QueueDeps['send']>().mockResolvedValue(created(1))
    const ctx = setup(send, upload)
    const first = ctx.q.enqueue(body(), [photo('a.jpg')])
    await vi.waitFor(() => expect(upload).toHaveBeenCalledTimes(1))
    const second = ctx.q.flush()
    release({ id: 9 })
    await Promise.all([first, second])
    expect(upload).toHaveBeenCalledTimes(1)
    expect(send).toHaveBeenCalledTimes(1)
  })

  it('drops the report to the refused list when an upload is refused (4xx)', async () => {
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>().mockRejectedValueOnce(networkError()).mockRejectedValueOnce(typeError())
    const send = vi.fn<QueueDeps['send']>()
    const ctx = setup(send, upload)
    expect((await ctx.q.enqueue(body('with a bad file'), [photo('a.jpg')])).status).toBe('queued')

    expect(await ctx.q.flush()).toBe(1)
    expect(send).not.toHaveBeenCalled()
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toMatchObject([{ clientId: 'id-1', title: 'with a bad file', message: 'only jpg png webp mp4 mov webm' }])
    expect(JSON.parse(ctx.storage.data.get(REJECTED_KEY) ?? '[]')).toHaveLength(1)
    await vi.waitFor(() => expect(ctx.blobs.data.size).toBe(0))
  })

  it('hands a refused upload back to the form when the user is still there', async () => {
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>().mockRejectedValue(typeError())
    const ctx = setup(vi.fn<QueueDeps['send']>(), upload)
    const out = await ctx.q.enqueue(body(), [photo('a.jpg')])
    expect(out.status).toBe('rejected')
    if (out.status === 'rejected') expect(out.error.fieldErrors().file).toBe('bad type')
    expect(ctx.q.rejected.value).toEqual([])
    expect(ctx.q.items.value).toEqual([])
  })

  it('still sends the report when its stored files were cleared by the browser', async () => {
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>().mockRejectedValueOnce(networkError())
    const send = vi.fn<QueueDeps['send']>().mockResolvedValue(created(1))
    const ctx = setup(send, upload)
    await ctx.q.enqueue(body(), [photo('a.jpg')])
    ctx.blobs.data.clear()
    await ctx.q.flush()
    expect(send.mock.calls[0]?.[0].attachment_ids).toEqual([])
    expect(ctx.q.items.value).toEqual([])
  })

  it('sends reports without files as before (no upload, no attachment_ids)', async () => {
    const upload = vi.fn<NonNullable<QueueDeps['upload']>>()
    const send = vi.fn<QueueDeps['send']>().mockResolvedValue(created(1))
    const ctx = setup(send, upload)
    await ctx.q.enqueue(body())
    expect(upload).not.toHaveBeenCalled()
    expect(send.mock.calls[0]?.[0]).not.toHaveProperty('attachment_ids')
  })
})

describe('IndexedDB blob store', () => {
  it('falls back to memory when IndexedDB is unavailable', async () => {
    const { indexedDbBlobStore } = await import('@/mobile/blobStore')
    const store = indexedDbBlobStore(undefined)
    const files = [{ name: 'a.jpg', blob: new Blob(['x']) }]
    await store.put('k', files)
    expect(await store.get('k')).toEqual(files)
    await store.delete('k')
    expect(await store.get('k')).toBeUndefined()
  })
})
