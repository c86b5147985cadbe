/**
 * The phone's offline queue of visit records, the same pattern as the report queue
 * (reportQueue.ts) without files:
 *
 * 1. Every visit gets a client id (a UUID v4) and is written to localStorage before it is sent.
 * 2. Sent (201, or 200 with created=false when the server already had it): removed.
 * 3. Network failure, a 5xx or a 401: kept, retried when the browser fires `online` and when
 *    the app opens.
 * 4. Refused (any other 4xx): removed and kept in a visible "rejected" list with the message.
 *
 * The server keeps one visit per client id, so a resend is harmless.
 */
import { ref, type Ref } from 'vue'
import type { ApiError } from '@/api/http'
import type { VisitCreatedOut, VisitIn } from '@/api/types'
import { flusher, onlineRetry, oneAtATime, readList, writeList } from './offlineQueue'
import { isRetryable, uuid4 } from './reportQueue'

export interface QueuedVisit {
  clientId: string
  categoryId: number
  /** The visited person's name, for the "waiting to be sent" list. */
  name: string
  body: VisitIn
  queuedAt: string
  attempts: number
}

export interface RejectedVisit {
  clientId: string
  categoryId: number
  name: string
  message: string
  at: string
}

export type VisitEnqueueResult =
  | { status: 'sent'; result: VisitCreatedOut }
  | { status: 'queued' }
  | { status: 'rejected'; error: ApiError }

export interface VisitQueueDeps {
  storage: Pick<Storage, 'getItem' | 'setItem'>
  send: (categoryId: number, body: VisitIn) => Promise<VisitCreatedOut>
  newId?: () => string
  canSend?: () => boolean
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null
}

export const VISIT_QUEUE_KEY = 'zongzhi.m.visitQueue'
export const VISIT_REJECTED_KEY = 'zongzhi.m.visitRejected'

export interface VisitQueue {
  items: Ref<QueuedVisit[]>
  rejected: Ref<RejectedVisit[]>
  sending: Ref<boolean>
  enqueue: (categoryId: number, name: string, body: VisitIn) => Promise<VisitEnqueueResult>
  flush: () => Promise<number>
  /** Visits of one listing still waiting to be sent (shown under its form). */
  pendingFor: (categoryId: number) => QueuedVisit[]
  dismissRejected: (clientId: string) => void
  start: () => void
  stop: () => void
}

interface Outcome {
  done: boolean
  result?: VisitCreatedOut
  error?: ApiError
}

export function createVisitQueue(deps: VisitQueueDeps): VisitQueue {
  const newId = deps.newId ?? uuid4
  const canSend = deps.canSend ?? (() => true)

  const read = <T>(key: string): T[] => readList<T>(deps.storage, key)
  const write = (key: string, value: unknown[]): void => writeList(deps.storage, key, value)

  const items = ref<QueuedVisit[]>(read<QueuedVisit>(VISIT_QUEUE_KEY))
  const rejected = ref<RejectedVisit[]>(read<RejectedVisit>(VISIT_REJECTED_KEY))
  const sending = ref(false)

  const save = (): void => write(VISIT_QUEUE_KEY, items.value)

  function remove(clientId: string): void {
    items.value = items.value.filter((v) => v.clientId !== clientId)
    save()
  }

  const sendOne = oneAtATime((visit: QueuedVisit) => doSend(visit))

  async function doSend(visit: QueuedVisit): Promise<Outcome> {
    visit.attempts += 1
    save()
    try {
      const result = await deps.send(visit.categoryId, { ...visit.body, client_id: visit.clientId })
      remove(visit.clientId)
      return { done: true, result }
    } catch (e) {
      if (isRetryable(e)) return { done: false }
      const error = e as ApiError
      remove(visit.clientId)
      rejected.value = [
        ...rejected.value,
        { clientId: visit.clientId, categoryId: visit.categoryId, name: visit.name, message: error.message, at: new Date().toISOString() },
      ]
      write(VISIT_REJECTED_KEY, rejected.value)
      return { done: true, error }
    }
  }

  async function enqueue(categoryId: number, name: string, body: VisitIn): Promise<VisitEnqueueResult> {
    const visit: QueuedVisit = { clientId: newId(), categoryId, name, body: { ...body }, queuedAt: new Date().toISOString(), attempts: 0 }
    visit.body.client_id = visit.clientId
    items.value = [...items.value, visit]
    save()
    if (!canSend()) return { status: 'queued' }
    const stored = items.value.find((v) => v.clientId === visit.clientId) ?? visit
    const out = await sendOne(stored)
    if (out.result) return { status: 'sent', result: out.result }
    if (out.error) {
      // The worker is looking at the form: the errors go there, not to the rejected list.
      dismissRejected(visit.clientId)
      return { status: 'rejected', error: out.error }
    }
    return { status: 'queued' }
  }

  /** Send everything queued, oldest first; stops at the first network failure. */
  const flush = flusher(items, sending, canSend, sendOne)

  function pendingFor(categoryId: number): QueuedVisit[] {
    return items.value.filter((v) => v.categoryId === categoryId)
  }

  function dismissRejected(clientId: string): void {
    rejected.value = rejected.value.filter((r) => r.clientId !== clientId)
    write(VISIT_REJECTED_KEY, rejected.value)
  }

  return { items, rejected, sending, enqueue, flush, pendingFor, dismissRejected, ...onlineRetry(deps.events, flush) }
}
