import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import { ACTION_QUEUE_KEY, ACTION_REJECTED_KEY, createActionQueue, type ActionQueueDeps, type Sender } from '@/mobile/actionQueue'
import { memoryBlobStore } from '@/mobile/reportQueue'

function memoryStorage() {
  const data = new Map<string, string>()
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
}

const networkError = () => new ApiError(0, { code: 'network_error', message: 'offline' })
const serverError = () => new ApiError(503, { code: 'http_503', message: 'unavailable' })
const invalid = () =>
  new ApiError(400, { code: 'invalid_input', message: 'bad phone', errors: [{ field: 'phone', message: 'bad phone' }] })
const stale = () =>
  new ApiError(409, {
    code: 'stale_record',
    message: 'changed meanwhile',
    data: { current: { phone_mask: '138****5678', updated_at: '2026-12-05T08:00:00+08:00' } },
  })

function setup(senders: Record<string, Sender>, extra: Partial<ActionQueueDeps> = {}) {
  const storage = memoryStorage()
  let n = 0
  const events = new EventTarget()
  const blobs = memoryBlobStore()
  const q = createActionQueue({
    storage,
    senders,
    blobs,
    newId: () => `id-${++n}`,
    events: events as unknown as Window,
    ...extra,
  })
  const stored = () => JSON.parse(storage.data.get(ACTION_QUEUE_KEY) ?? '[]') as { clientId: string; kind: string }[]
  const storedRejected = () => JSON.parse(storage.data.get(ACTION_REJECTED_KEY) ?? '[]') as { clientId: string }[]
  return { q, storage, stored, storedRejected, events, blobs }
}

describe('the phone action queue', () => {
  it('stores the action before sending it with its client id, and removes it once sent', async () => {
    let seen: unknown[] = []
    const send = vi.fn<Sender>(async () => {
      seen = ctx.stored()
      return { id: 5 }
    })
    const ctx = setup({ 'resident.create': send })
    const out = await ctx.q.enqueue('resident.create', 'Register Wang', { name: 'Wang' })
    expect(out).toEqual({ status: 'sent', result: { id: 5 } })
    expect(seen).toHaveLength(1)
    expect(send).toHaveBeenCalledWith({ name: 'Wang', client_id: 'id-1' }, { clientId: 'id-1', attachmentIds: [] })
    expect(ctx.stored()).toEqual([])
  })

  it('keeps an action offline and resends it with the same client id when the network returns', async () => {
    const send = vi.fn<Sender>().mockRejectedValueOnce(networkError()).mockResolvedValue({ id: 5 })
    const ctx = setup({ 'resident.create': send })
    ctx.q.start()
    expect((await ctx.q.enqueue('resident.create', 'Wang', { name: 'Wang' })).status).toBe('queued')
    expect(ctx.q.items.value.map((a) => a.clientId)).toEqual(['id-1'])
    ctx.events.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(ctx.q.items.value).toHaveLength(0))
    expect(send.mock.calls.map((c) => c[0].client_id)).toEqual(['id-1', 'id-1'])
    ctx.q.stop()
  })

  it('waits while it may not send, survives a reload, and retries server errors', async () => {
    const send = vi.fn<Sender>().mockRejectedValueOnce(serverError()).mockResolvedValue({})
    const ctx = setup({ 'place.create': send }, { canSend: () => false })
    expect((await ctx.q.enqueue('place.create', 'Gas station', { name: 'x' })).status).toBe('queued')
    expect(send).not.toHaveBeenCalled()
    const again = createActionQueue({ storage: ctx.storage, senders: { 'place.create': send }, events: null })
    expect(again.items.value.map((a) => a.kind)).toEqual(['place.create'])
    expect(await again.flush()).toBe(0) // 503: kept
    expect(again.items.value).toHaveLength(1)
    expect(again.rejected.value).toHaveLength(0)
    expect(await again.flush()).toBe(1)
    expect(again.items.value).toEqual([])
    expect(send.mock.calls.map((c) => c[0].client_id)).toEqual(['id-1', 'id-1'])
  })

  it('keeps an action refused until the worker signs the agreement or changes the password, and sends it after', async () => {
    const pending = (code: string) => new ApiError(403, { code, message: 'sign first' })
    const send = vi
      .fn<Sender>()
      .mockRejectedValueOnce(pending('agreement_required'))
      .mockRejectedValueOnce(pending('password_change_required'))
      .mockResolvedValue({ id: 9 })
    const ctx = setup({ 'mustdo.tick': send })
    expect((await ctx.q.enqueue('mustdo.tick', 'tick', { item: 1 })).status).toBe('queued')
    expect(await ctx.q.flush()).toBe(0)
    expect(ctx.q.rejected.value).toEqual([])
    expect(await ctx.q.flush()).toBe(1)
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toEqual([])
  })

  it('still refuses a 403 for lack of permission: it will not pass by waiting', async () => {
    const send = vi.fn<Sender>().mockRejectedValue(new ApiError(403, { code: 'forbidden', message: 'no' }))
    const ctx = setup({ 'mustdo.tick': send })
    await ctx.q.enqueue('mustdo.tick', 'tick', { item: 1 })
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value.map((r) => r.code)).toEqual(['forbidden'])
  })

  it('sends oldest first and a failure stops the run, so a later action never overtakes an earlier one', async () => {
    const order: string[] = []
    let online = false
    const make = (kind: string): Sender =>
      vi.fn<Sender>(async (body) => {
        if (!online) throw networkError()
        order.push(`${kind}:${String(body.client_id)}`)
        return {}
      })
    const ctx = setup({ 'resident.create': make('resident'), 'occupant.add': make('occupant') })
    await ctx.q.enqueue('resident.create', 'Wang', {})
    await ctx.q.enqueue('occupant.add', 'Wang lives in 501', { resident_client_id: 'id-1' })
    expect(order).toEqual([])
    expect(ctx.q.items.value.map((a) => a.kind)).toEqual(['resident.create', 'occupant.add'])
    await vi.waitFor(() => expect(ctx.q.sending.value).toBe(false)) // the offline run has ended
    online = true
    expect(await ctx.q.flush()).toBe(2)
    expect(order).toEqual(['resident:id-1', 'occupant:id-2'])
  })

  it('moves a refusal to the rejected list with its body, files, message, code and field errors', async () => {
    const send = vi.fn<Sender>().mockRejectedValue(invalid())
    const upload = vi.fn(async () => ({ id: 31 }))
    const ctx = setup({ 'inspection.create': send }, { upload })
    const photo = new File(['jpeg'], 'cam.jpg', { type: 'image/jpeg' })
    const route = { name: 'm-capture-inspection', params: { facilityId: 4 } }
    const out = await ctx.q.enqueue('inspection.create', 'Camera 4', { note: '' }, { route, files: [photo] })
    expect(out.status).toBe('rejected')
    expect(ctx.q.items.value).toEqual([])
    const r = ctx.q.rejectedOne('id-1')
    expect(r).toMatchObject({
      kind: 'inspection.create',
      label: 'Camera 4',
      body: { note: '' },
      route,
      message: 'bad phone',
      code: 'invalid_input',
      status: 400,
      fields: { phone: 'bad phone' },
    })
    expect(r?.files).toEqual([{ name: 'cam.jpg', type: 'image/jpeg', size: 4, attachmentId: 31 }])
    expect(ctx.storedRejected().map((x) => x.clientId)).toEqual(['id-1'])
    expect(send.mock.calls[0]?.[1]).toEqual({ clientId: 'id-1', attachmentIds: [31] })
  })

  it('keeps the server data of a conflict (the current values) beside the refused action', async () => {
    const ctx = setup({ 'resident.update': vi.fn<Sender>().mockRejectedValue(stale()) })
    await ctx.q.enqueue('resident.update', 'Wang phone', { phone: '13900001111', seen_updated_at: 'old' })
    const r = ctx.q.rejectedOne('id-1')
    expect(r?.code).toBe('stale_record')
    expect(r?.data).toEqual({ current: { phone_mask: '138****5678', updated_at: '2026-12-05T08:00:00+08:00' } })
  })

  it('resubmits a corrected action under the same client id, keeping its uploaded photos', async () => {
    const send = vi.fn<Sender>().mockRejectedValueOnce(invalid()).mockResolvedValue({ id: 9 })
    const upload = vi.fn(async () => ({ id: 31 }))
    const ctx = setup({ 'inspection.create': send }, { upload })
    const photo = new File(['jpeg'], 'cam.jpg', { type: 'image/jpeg' })
    await ctx.q.enqueue('inspection.create', 'Camera 4', { note: '' }, { files: [photo] })
    const out = await ctx.q.enqueue('inspection.create', 'Camera 4', { note: 'fixed' }, { clientId: 'id-1' })
    expect(out.status).toBe('sent')
    expect(ctx.q.rejected.value).toEqual([])
    expect(upload).toHaveBeenCalledTimes(1) // the photo was not uploaded twice
    expect(send.mock.calls.map((c) => [c[0].client_id, c[0].note, c[1].attachmentIds])).toEqual([
      ['id-1', '', [31]],
      ['id-1', 'fixed', [31]],
    ])
  })

  it('resubmits an action whose client id another user holds under a new id, with its photos', async () => {
    const taken = new ApiError(409, { code: 'client_id_taken', message: '该离线提交的编号已被其他记录使用' })
    const send = vi.fn<Sender>().mockRejectedValueOnce(taken).mockResolvedValue({ id: 9 })
    const ctx = setup({ 'inspection.create': send }, { upload: async () => ({ id: 31 }) })
    const photo = new File(['jpeg'], 'cam.jpg', { type: 'image/jpeg' })
    await ctx.q.enqueue('inspection.create', 'Camera 4', { note: 'ok' }, { files: [photo] })
    expect(ctx.q.rejectedOne('id-1')?.code).toBe('client_id_taken')
    const out = await ctx.q.enqueue('inspection.create', 'Camera 4', { note: 'ok' }, { clientId: 'id-1' })
    expect(out.status).toBe('sent')
    expect(ctx.q.rejected.value).toEqual([])
    expect(send.mock.calls.map((c) => [c[0].client_id, c[1].attachmentIds])).toEqual([
      ['id-1', [31]],
      ['id-2', [31]],
    ])
    expect(ctx.blobs.data.has('id-1')).toBe(false)
  })

  it('points the patrol\'s check-ins, track and end at the new id when its refused start is resubmitted', async () => {
    const taken = new ApiError(409, { code: 'client_id_taken', message: '该离线提交的编号已被其他记录使用' })
    const gone = new ApiError(404, { code: 'not_found', message: '巡逻不存在' })
    let online = true
    const start = vi.fn<Sender>().mockRejectedValueOnce(taken).mockResolvedValue({ id: 1 })
    const checkIn = vi.fn<Sender>(async () => {
      if (!online) throw networkError()
      return { id: 2 }
    })
    const track = vi.fn<Sender>().mockRejectedValueOnce(gone).mockResolvedValue({})
    const end = vi.fn<Sender>(async () => ({ id: 1 }))
    const ctx = setup({ 'patrol.start': start, 'patrol.checkIn': checkIn, 'patrol.track': track, 'patrol.end': end })
    const heard: [string, string][] = []
    ctx.q.onRekey((from, to) => heard.push([from, to]))
    await ctx.q.enqueue('patrol.start', 'Start', { route_id: null })
    expect(ctx.q.rejectedOne('id-1')?.code).toBe('client_id_taken')
    await ctx.q.enqueue('patrol.track', 'Track', { patrol_client_id: 'id-1', points: [] })
    expect(ctx.q.rejectedOne('id-2')?.code).toBe('not_found') // refused: the patrol is unknown
    online = false
    await ctx.q.enqueue('patrol.checkIn', 'Check in', { patrol_client_id: 'id-1', note: 'ok' })
    await ctx.q.enqueue('patrol.end', 'End', { patrol_client_id: 'id-1', summary: '' })
    expect(ctx.q.items.value.map((a) => a.clientId)).toEqual(['id-3', 'id-4'])
    online = true
    const out = await ctx.q.enqueue('patrol.start', 'Start', { route_id: null }, { clientId: 'id-1' })
    expect(out.status).toBe('sent')
    expect(heard).toEqual([['id-1', 'id-5']])
    expect(start.mock.calls.map((c) => c[0].client_id)).toEqual(['id-1', 'id-5'])
    await ctx.q.flush()
    expect(ctx.q.items.value).toEqual([])
    expect(checkIn.mock.calls.at(-1)?.[0]).toMatchObject({ patrol_client_id: 'id-5', client_id: 'id-3' })
    expect(end.mock.calls.at(-1)?.[0]).toMatchObject({ patrol_client_id: 'id-5', client_id: 'id-4' })
    // the refused track, kept and stored, now points at the new id too: resubmitting it works
    expect(ctx.q.rejectedOne('id-2')?.body.patrol_client_id).toBe('id-5')
    expect(JSON.parse(ctx.storage.data.get(ACTION_REJECTED_KEY) ?? '[]')[0].body.patrol_client_id).toBe('id-5')
    const again = await ctx.q.enqueue('patrol.track', 'Track', ctx.q.rejectedOne('id-2')!.body, { clientId: 'id-2' })
    expect(again.status).toBe('sent')
    expect(track.mock.calls.at(-1)?.[0]).toMatchObject({ patrol_client_id: 'id-5' })
  })

  it('discards one refused action (and its photos) and leaves the others', async () => {
    const ctx = setup({ 'place.create': vi.fn<Sender>().mockRejectedValue(invalid()) }, { upload: async () => ({ id: 1 }) })
    const photo = new File(['x'], 'a.jpg', { type: 'image/jpeg' })
    await ctx.q.enqueue('place.create', 'A', {}, { files: [photo] })
    await ctx.q.enqueue('place.create', 'B', {})
    expect(ctx.q.rejected.value.map((r) => r.label)).toEqual(['A', 'B'])
    ctx.q.discard('id-1')
    await vi.waitFor(() => expect(ctx.blobs.data.has('id-1')).toBe(false))
    expect(ctx.q.rejected.value.map((r) => r.label)).toEqual(['B'])
    expect(ctx.storedRejected().map((r) => r.clientId)).toEqual(['id-2'])
  })

  it('clears the waiting and the refused actions at logout and says how many were dropped', async () => {
    let online = false
    const send = vi.fn<Sender>(async () => {
      if (!online) throw networkError()
      throw invalid()
    })
    const ctx = setup({ 'resident.create': send })
    online = true
    await ctx.q.enqueue('resident.create', 'refused', {})
    online = false
    await ctx.q.enqueue('resident.create', 'waiting', {})
    expect(ctx.q.items.value).toHaveLength(1)
    expect(ctx.q.rejected.value).toHaveLength(1)
    expect(ctx.q.clear()).toBe(2)
    expect(ctx.q.items.value).toEqual([])
    expect(ctx.q.rejected.value).toEqual([])
    expect(ctx.stored()).toEqual([])
    expect(ctx.storedRejected()).toEqual([])
  })

  it('refuses nothing silently: an action without a sender stays to be seen', async () => {
    const ctx = setup({})
    const out = await ctx.q.enqueue('unknown.kind', 'X', {})
    // an Error that is not an ApiError counts as retryable: the action waits, it is not lost
    expect(out.status).toBe('queued')
    expect(ctx.q.items.value.map((a) => a.kind)).toEqual(['unknown.kind'])
  })
})
