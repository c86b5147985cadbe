/**
 * The phone's offline queue of event reports. A grid worker in a basement or a village without
 * signal must not lose a report:
 *
 * 1. Every report gets a client id (a UUID) and is written to localStorage before it is sent.
 * 2. Sent successfully (201, or 200 when the server already had it): removed from the queue.
 * 3. Network failure (or a 5xx / 401, which a later try may get past): kept, retried when the
 *    browser fires `online` and when the app opens.
 * 4. Refused by the server (any other 4xx, e.g. a validation error): removed from the queue and
 *    kept in a visible "rejected" list with the server's message, so nothing vanishes silently.
 *
 * The server makes one case per client id, so sending the same report twice is harmless.
 *
 * Photos and videos: their Blobs are kept in a BlobStore (IndexedDB in the app, see blobStore.ts)
 * under the report's client id, their names and sizes in the queue entry. Sending a report first
 * uploads each file not yet uploaded (POST /api/attachments) and writes the id it got into the
 * entry at once, so a retry after a failure half-way uploads only the rest; then the report goes
 * out with `attachment_ids`. When the report leaves the queue (sent or refused) its Blobs are
 * deleted. A refused upload (4xx: wrong type, too large) refuses the report like any other 4xx.
 */
import { ref, type Ref } from 'vue'
import { isApiError, type ApiError } from '@/api/http'
import type { CaseCreatedOut, CaseCreateIn } from '@/api/types'
import { uuid4 } from '@/shared/uuid'
import { flusher, onlineRetry, oneAtATime, readList, writeList } from './offlineQueue'

/** One photo or video of a queued report; the Blob itself is in the BlobStore. */
export interface QueuedFile {
  name: string
  type: string
  size: number
  /** Set as soon as the upload succeeded: a retry does not upload it again. */
  attachmentId: number | null
}

/** What a queued report's body needs: a title for the rejected list, and room for the client id and the files' ids. */
export interface QueueBody {
  title: string
  client_id?: string | null
  attachment_ids?: number[]
}

export interface QueuedReport<B extends QueueBody = CaseCreateIn> {
  clientId: string
  body: B
  queuedAt: string
  attempts: number
  files?: QueuedFile[]
}

export interface StoredFile {
  name: string
  blob: Blob
}

/** Where the files of queued reports wait, keyed by the report's client id. */
export interface BlobStore {
  put: (key: string, files: StoredFile[]) => Promise<void>
  get: (key: string) => Promise<StoredFile[] | undefined>
  delete: (key: string) => Promise<void>
}

/** A BlobStore in memory (tests, and the app when IndexedDB is unavailable). */
export function memoryBlobStore(): BlobStore & { data: Map<string, StoredFile[]> } {
  const data = new Map<string, StoredFile[]>()
  return {
    data,
    put: async (k, files) => void data.set(k, files),
    get: async (k) => data.get(k),
    delete: async (k) => void data.delete(k),
  }
}

export interface RejectedReport {
  clientId: string
  title: string
  message: string
  at: string
}

export type EnqueueResult<R = CaseCreatedOut> =
  | { status: 'sent'; result: R }
  | { status: 'queued' }
  | { status: 'rejected'; error: ApiError }

export interface QueueDeps<B extends QueueBody = CaseCreateIn, R = CaseCreatedOut> {
  storage: Pick<Storage, 'getItem' | 'setItem'>
  send: (body: B) => Promise<R>
  /** The localStorage keys of the queue and of its rejected list (default: the case reports'). */
  keys?: { queue: string; rejected: string }
  /** Upload one file; needed only for reports with files. */
  upload?: (file: Blob, name: string) => Promise<{ id: number }>
  /** Where the files wait; defaults to memory (lost when the page closes). */
  blobs?: BlobStore
  newId?: () => string
  /** False while logged out: nothing is sent, the queue waits. */
  canSend?: () => boolean
  /** Where to listen for `online` (window in the app). */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null
}

export const QUEUE_KEY = 'zongzhi.m.reportQueue'
export const REJECTED_KEY = 'zongzhi.m.reportRejected'

export { uuid4 }

/** Worth trying again later: no network, a server error, or a login that expired. */
/** 403s that refuse the account for now, not the action: once the worker has changed the password
 * or signed the confidentiality agreement, the same action goes through unchanged. */
const ACCOUNT_PENDING = new Set(['password_change_required', 'agreement_required'])

export function isRetryable(e: unknown): boolean {
  if (!isApiError(e)) return true
  if (e.status === 403 && ACCOUNT_PENDING.has(e.code)) return true
  return e.status === 0 || e.status === 401 || e.status === 408 || e.status === 429 || e.status >= 500
}

interface SendOutcome<R> {
  done: boolean
  result?: R
  error?: ApiError
}

export interface ReportQueue<B extends QueueBody = CaseCreateIn, R = CaseCreatedOut> {
  items: Ref<QueuedReport<B>[]>
  rejected: Ref<RejectedReport[]>
  sending: Ref<boolean>
  enqueue: (body: B, files?: File[]) => Promise<EnqueueResult<R>>
  flush: () => Promise<number>
  dismissRejected: (clientId: string) => void
  start: () => void
  stop: () => void
}

export function createReportQueue<B extends QueueBody = CaseCreateIn, R = CaseCreatedOut>(deps: QueueDeps<B, R>): ReportQueue<B, R> {
  const queueKey = deps.keys?.queue ?? QUEUE_KEY
  const rejectedKey = deps.keys?.rejected ?? REJECTED_KEY
  const newId = deps.newId ?? uuid4
  const canSend = deps.canSend ?? (() => true)
  const blobs = deps.blobs ?? memoryBlobStore()

  const read = <T>(key: string): T[] => readList<T>(deps.storage, key)
  const write = (key: string, value: unknown[]): void => writeList(deps.storage, key, value)

  const items = ref(read<QueuedReport<B>>(queueKey)) as Ref<QueuedReport<B>[]>
  const rejected = ref<RejectedReport[]>(read<RejectedReport>(rejectedKey))
  const sending = ref(false)

  function save(): void {
    write(queueKey, items.value)
  }

  function remove(clientId: string): void {
    items.value = items.value.filter((r) => r.clientId !== clientId)
    save()
  }

  function dropFiles(report: QueuedReport<B>): void {
    if (report.files?.length) void blobs.delete(report.clientId).catch(() => undefined)
  }

  function reject(report: QueuedReport<B>, error: ApiError): void {
    remove(report.clientId)
    dropFiles(report)
    rejected.value = [
      ...rejected.value,
      { clientId: report.clientId, title: report.body.title, message: error.message, at: new Date().toISOString() },
    ]
    write(rejectedKey, rejected.value)
  }

  /**
   * Upload the report's files not uploaded yet, remembering each id at once. Returns the ids of
   * all uploaded files. A file whose Blob is gone (storage cleared by the browser) is left out:
   * the report matters more than its photos.
   */
  async function uploadFiles(report: QueuedReport<B>): Promise<number[]> {
    const files = report.files ?? []
    if (files.some((f) => f.attachmentId === null)) {
      if (!deps.upload) throw new Error('reportQueue: upload is not configured')
      const stored = (await blobs.get(report.clientId)) ?? []
      for (const [i, f] of files.entries()) {
        if (f.attachmentId !== null) continue
        const blob = stored[i]?.blob
        if (!blob) continue
        const out = await deps.upload(blob, f.name)
        f.attachmentId = out.id
        save()
      }
    }
    return files.map((f) => f.attachmentId).filter((id): id is number => id !== null)
  }

  /** Send one queued report (never twice at the same time); done when it left the queue (sent or rejected). */
  const sendOne = oneAtATime((report: QueuedReport<B>) => doSend(report))

  async function doSend(report: QueuedReport<B>): Promise<SendOutcome<R>> {
    report.attempts += 1
    save()
    try {
      const body: B = { ...report.body, client_id: report.clientId }
      if (report.files?.length) body.attachment_ids = await uploadFiles(report)
      const result = await deps.send(body)
      remove(report.clientId)
      dropFiles(report)
      return { done: true, result }
    } catch (e) {
      if (isRetryable(e)) return { done: false }
      const err = e as ApiError
      reject(report, err)
      return { done: true, error: err }
    }
  }

  /** Store the report (and its files), then try to send it now. */
  async function enqueue(body: B, files: File[] = []): Promise<EnqueueResult<R>> {
    const report: QueuedReport<B> = { clientId: newId(), body: { ...body }, queuedAt: new Date().toISOString(), attempts: 0 }
    if (files.length) {
      report.files = files.map((f) => ({ name: f.name, type: f.type, size: f.size, attachmentId: null }))
      await blobs.put(report.clientId, files.map((f) => ({ name: f.name, blob: f })))
    }
    items.value = [...items.value, report]
    save()
    if (!canSend()) return { status: 'queued' }
    const stored = items.value.find((r) => r.clientId === report.clientId) ?? report
    const out = await sendOne(stored)
    if (out.result) return { status: 'sent', result: out.result }
    if (out.error) {
      // The user is looking at the form: show the errors there rather than in the rejected list.
      rejected.value = rejected.value.filter((r) => r.clientId !== report.clientId)
      write(rejectedKey, rejected.value)
      return { status: 'rejected', error: out.error }
    }
    return { status: 'queued' }
  }

  /** Send everything queued, oldest first; stops at the first network failure. Returns how many left the queue. */
  const flush = flusher(items, sending, canSend, sendOne)

  function dismissRejected(clientId: string): void {
    rejected.value = rejected.value.filter((r) => r.clientId !== clientId)
    write(rejectedKey, rejected.value)
  }

  return { items, rejected, sending, enqueue, flush, dismissRejected, ...onlineRetry(deps.events, flush) }
}
