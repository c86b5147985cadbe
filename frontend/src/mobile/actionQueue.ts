/**
 * The phone's offline queue of the day's work (field capture, patrols, must-do ticks): one
 * queue of named actions, each sent by the sender registered for its `kind`.
 *
 * 1. Every action gets a client id (a UUID) and is written to localStorage before it is sent;
 *    its photos wait in a BlobStore (IndexedDB) under that id.
 * 2. Sent (2xx): removed. The server keeps one record per client id, so a resend after a lost
 *    answer is harmless: every action arrives exactly once.
 * 3. Network failure, a 5xx, a 401, or a 403 that waits on the account (a password to change, the
 *    confidentiality agreement to sign): kept, retried when the browser fires `online` and when the
 *    app opens; actions go oldest first and a failure stops the run, so an action that depends
 *    on an earlier one (a check-in on a patrol started offline) never overtakes it.
 * 4. Refused (any other 4xx: a validation error, or 409 when the record changed on the server
 *    meanwhile): moved to the rejected list WITH its body, its files, the server's message, code
 *    and field errors. Nothing is lost: the worker opens it again (`route`), corrects it and
 *    sends it again under the same client id (`resubmit`), or discards it explicitly (`discard`).
 * 5. An action refused as `client_id_taken` is resubmitted under a new id, and the actions that
 *    point at it (a body field `<something>_client_id` holding its id: a patrol's check-ins, track
 *    and end) are rewritten to the new id, waiting or refused, and the waiting ones go after it;
 *    `onRekey` listeners hear of it (the open patrol keeps the new id).
 */
import { ref, type Ref } from 'vue'
import type { ApiError } from '@/api/http'
import { uuid4 } from '@/shared/uuid'
import { flusher, onlineRetry, oneAtATime, readList, writeList } from './offlineQueue'
import { isRetryable, memoryBlobStore, type BlobStore, type QueuedFile } from './reportQueue'

/** Where a queued or refused action is edited again: a named route of the phone app. */
export interface ActionRoute {
  name: string
  params?: Record<string, string | number>
  query?: Record<string, string>
}

export interface QueuedAction<B = Record<string, unknown>> {
  clientId: string
  /** The registered sender, e.g. "resident.create", "patrol.checkIn", "mustdo.tick". */
  kind: string
  /** What the worker sees in the waiting and refused lists ("register: Zhang San"). */
  label: string
  body: B
  route?: ActionRoute
  files?: QueuedFile[]
  queuedAt: string
  attempts: number
}

export interface RejectedAction<B = Record<string, unknown>> extends QueuedAction<B> {
  message: string
  code: string
  /** Field errors by field name, to show beside each field when the form opens again. */
  fields: Record<string, string>
  status: number
  at: string
  /** What the server sent to resolve it: a 409 stale_record's `current` values, a duplicate's `resident_id`. */
  data?: Record<string, unknown>
}

/** What a sender gets: the body with `client_id` set, and the ids of the uploaded files. */
export type Sender = (body: Record<string, unknown>, ctx: { clientId: string; attachmentIds: number[] }) => Promise<unknown>

export interface ActionQueueDeps {
  storage: Pick<Storage, 'getItem' | 'setItem'>
  senders: Record<string, Sender>
  upload?: (file: Blob, name: string) => Promise<{ id: number }>
  blobs?: BlobStore
  keys?: { queue: string; rejected: string }
  newId?: () => string
  canSend?: () => boolean
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null
}

export type ActionResult =
  | { status: 'sent'; result: unknown }
  | { status: 'queued' }
  | { status: 'rejected'; error: ApiError }

export const ACTION_QUEUE_KEY = 'zongzhi.m.actionQueue'
export const ACTION_REJECTED_KEY = 'zongzhi.m.actionRejected'

export interface EnqueueOptions {
  route?: ActionRoute
  files?: File[]
  /** Resend a refused action under its own client id (after the worker corrected it); one
   * refused as `client_id_taken` goes under a new id. */
  clientId?: string
}

export function createActionQueue(deps: ActionQueueDeps) {
  const queueKey = deps.keys?.queue ?? ACTION_QUEUE_KEY
  const rejectedKey = deps.keys?.rejected ?? ACTION_REJECTED_KEY
  const newId = deps.newId ?? uuid4
  const canSend = deps.canSend ?? (() => true)
  const blobs = deps.blobs ?? memoryBlobStore()

  const items = ref(readList<QueuedAction>(deps.storage, queueKey)) as Ref<QueuedAction[]>
  const rejected = ref(readList<RejectedAction>(deps.storage, rejectedKey)) as Ref<RejectedAction[]>
  const sending = ref(false)

  const rekeyListeners = new Set<(from: string, to: string) => void>()

  const save = (): void => writeList(deps.storage, queueKey, items.value)
  const saveRejected = (): void => writeList(deps.storage, rejectedKey, rejected.value)

  function remove(clientId: string): void {
    items.value = items.value.filter((a) => a.clientId !== clientId)
    save()
  }

  function dropFiles(action: QueuedAction): void {
    if (action.files?.length) void blobs.delete(action.clientId).catch(() => undefined)
  }

  async function uploadFiles(action: QueuedAction): Promise<number[]> {
    const files = action.files ?? []
    if (files.some((f) => f.attachmentId === null)) {
      if (!deps.upload) throw new Error('actionQueue: upload is not configured')
      const stored = (await blobs.get(action.clientId)) ?? []
      for (const [i, f] of files.entries()) {
        if (f.attachmentId !== null) continue
        const blob = stored[i]?.blob
        if (!blob) continue
        f.attachmentId = (await deps.upload(blob, f.name)).id
        save()
      }
    }
    return files.map((f) => f.attachmentId).filter((id): id is number => id !== null)
  }

  function reject(action: QueuedAction, error: ApiError): void {
    remove(action.clientId)
    rejected.value = [
      ...rejected.value.filter((r) => r.clientId !== action.clientId),
      {
        ...action,
        message: error.message,
        code: error.code,
        fields: typeof error.fieldErrors === 'function' ? error.fieldErrors() : {},
        status: error.status,
        at: new Date().toISOString(),
        ...(error.data ? { data: error.data } : {}),
      },
    ]
    saveRejected()
  }

  const sendOne = oneAtATime(async (action: QueuedAction): Promise<{ done: boolean; result?: unknown; error?: ApiError }> => {
    const sender = deps.senders[action.kind]
    action.attempts += 1
    save()
    try {
      if (!sender) throw new Error(`actionQueue: no sender for ${action.kind}`)
      const attachmentIds = await uploadFiles(action)
      const result = await sender({ ...action.body, client_id: action.clientId }, { clientId: action.clientId, attachmentIds })
      remove(action.clientId)
      dropFiles(action)
      return { done: true, result }
    } catch (e) {
      if (isRetryable(e)) return { done: false }
      reject(action, e as ApiError)
      return { done: true, error: e as ApiError }
    }
  })

  const flush = flusher(items, sending, canSend, sendOne)

  /** Point every action that refers to `from` (a body field `*_client_id`, not its own
   * `client_id`) at `to`; returns the waiting ones among them, in their order. */
  function rekey(from: string, to: string): QueuedAction[] {
    const repoint = (a: QueuedAction): boolean => {
      let hit = false
      for (const [key, value] of Object.entries(a.body)) {
        if (key !== 'client_id' && key.endsWith('_client_id') && value === from) {
          a.body[key] = to
          hit = true
        }
      }
      return hit
    }
    const waiting = items.value.filter(repoint)
    if (rejected.value.map(repoint).some(Boolean)) {
      rejected.value = [...rejected.value]
      saveRejected()
    }
    for (const listener of rekeyListeners) listener(from, to)
    return waiting
  }

  /** Hear of an action resubmitted under a new client id (e.g. the open patrol's start). */
  function onRekey(listener: (from: string, to: string) => void): () => void {
    rekeyListeners.add(listener)
    return () => rekeyListeners.delete(listener)
  }

  /** Keep the action (and its photos), then try to send it now; the answer tells the form what happened. */
  async function enqueue(kind: string, label: string, body: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<ActionResult> {
    const old = opts.clientId === undefined ? undefined : rejected.value.find((r) => r.clientId === opts.clientId)
    // An id the server says another user's record holds (409 client_id_taken) would be refused
    // again: the corrected action goes under a new one, its kept photos moved with it.
    const clientId = old?.code === 'client_id_taken' ? newId() : (opts.clientId ?? newId())
    const action: QueuedAction = { clientId, kind, label, body: { ...body }, route: opts.route, queuedAt: new Date().toISOString(), attempts: 0 }
    if (opts.files?.length) {
      action.files = opts.files.map((f) => ({ name: f.name, type: f.type, size: f.size, attachmentId: null }))
      await blobs.put(clientId, opts.files.map((f) => ({ name: f.name, blob: f })))
    } else if (old?.files?.length) {
      action.files = old.files // a corrected action keeps the photos it had
      if (old.clientId !== clientId) {
        const stored = await blobs.get(old.clientId)
        if (stored) await blobs.put(clientId, stored)
        await blobs.delete(old.clientId)
      }
    }
    rejected.value = rejected.value.filter((r) => r.clientId !== (old?.clientId ?? clientId))
    saveRejected()
    // Under a new id: the actions that depend on it follow it, pointing at the new id.
    const dependents = old && old.clientId !== clientId ? rekey(old.clientId, clientId) : []
    items.value = [...items.value.filter((a) => a.clientId !== clientId && !dependents.includes(a)), action, ...dependents]
    save()
    // Send now only when nothing older waits: the queue keeps its order.
    if (!canSend() || items.value[0]?.clientId !== clientId) {
      void flush()
      return { status: 'queued' }
    }
    const out = await sendOne(action)
    if (out.error) return { status: 'rejected', error: out.error }
    if (out.done) return { status: 'sent', result: out.result }
    return { status: 'queued' }
  }

  /** A refused action, to fill its form again. */
  function rejectedOne(clientId: string): RejectedAction | undefined {
    return rejected.value.find((r) => r.clientId === clientId)
  }

  /** The worker gave up on a refused action (the form asks first); its photos go too. */
  function discard(clientId: string): void {
    const gone = rejected.value.find((r) => r.clientId === clientId)
    if (gone) dropFiles(gone)
    rejected.value = rejected.value.filter((r) => r.clientId !== clientId)
    saveRejected()
  }

  /** Everything, at logout: the queue is the worker's, not the next user's. Returns how many were dropped. */
  function clear(): number {
    const n = items.value.length + rejected.value.length
    for (const a of [...items.value, ...rejected.value]) dropFiles(a)
    items.value = []
    rejected.value = []
    save()
    saveRejected()
    return n
  }

  return { items, rejected, sending, enqueue, flush, rejectedOne, discard, clear, onRekey, ...onlineRetry(deps.events, flush) }
}

export type ActionQueue = ReturnType<typeof createActionQueue>
