/**
 * The phone's offline queue of zero reports ("nothing to report" for a period), the same
 * pattern as the visit queue: written to localStorage with a client id before it is sent, kept
 * on a network failure and sent when the browser is back online, moved to a visible rejected
 * list when the server refuses it (already filed, or the period ended meanwhile).
 */
import { ref, type Ref } from 'vue'
import type { ApiError } from '@/api/http'
import type { ZeroIn, ZeroOut } from '@/api/zeroReports'
import { flusher, onlineRetry, oneAtATime, readList, writeList } from './offlineQueue'
import { isRetryable, uuid4 } from './reportQueue'

export interface QueuedZero {
  clientId: string
  /** The period's label as shown when tapped. */
  label: string
  body: ZeroIn
  queuedAt: string
}

export interface RejectedZero {
  clientId: string
  label: string
  message: string
}

export type ZeroEnqueueResult = { status: 'sent'; result: ZeroOut } | { status: 'queued' } | { status: 'rejected'; error: ApiError }

export interface ZeroQueueDeps {
  storage: Pick<Storage, 'getItem' | 'setItem'>
  send: (body: ZeroIn) => Promise<ZeroOut>
  newId?: () => string
  canSend?: () => boolean
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null
}

export const ZERO_QUEUE_KEY = 'zongzhi.m.zeroQueue'
export const ZERO_REJECTED_KEY = 'zongzhi.m.zeroRejected'

export interface ZeroQueue {
  items: Ref<QueuedZero[]>
  rejected: Ref<RejectedZero[]>
  sending: Ref<boolean>
  enqueue: (label: string, body: ZeroIn) => Promise<ZeroEnqueueResult>
  flush: () => Promise<number>
  dismissRejected: (clientId: string) => void
  start: () => void
  stop: () => void
}

interface Outcome {
  done: boolean
  result?: ZeroOut
  error?: ApiError
}

export function createZeroQueue(deps: ZeroQueueDeps): ZeroQueue {
  const newId = deps.newId ?? uuid4
  const canSend = deps.canSend ?? (() => true)
  const items = ref<QueuedZero[]>(readList<QueuedZero>(deps.storage, ZERO_QUEUE_KEY))
  const rejected = ref<RejectedZero[]>(readList<RejectedZero>(deps.storage, ZERO_REJECTED_KEY))
  const sending = ref(false)
  const save = (): void => writeList(deps.storage, ZERO_QUEUE_KEY, items.value)

  function remove(clientId: string): void {
    items.value = items.value.filter((z) => z.clientId !== clientId)
    save()
  }

  const sendOne = oneAtATime(async (z: QueuedZero): Promise<Outcome> => {
    try {
      const result = await deps.send({ ...z.body, client_id: z.clientId })
      remove(z.clientId)
      return { done: true, result }
    } catch (e) {
      if (isRetryable(e)) return { done: false }
      const error = e as ApiError
      remove(z.clientId)
      rejected.value = [...rejected.value, { clientId: z.clientId, label: z.label, message: error.message }]
      writeList(deps.storage, ZERO_REJECTED_KEY, rejected.value)
      return { done: true, error }
    }
  })

  async function enqueue(label: string, body: ZeroIn): Promise<ZeroEnqueueResult> {
    const z: QueuedZero = { clientId: newId(), label, body: { ...body }, queuedAt: new Date().toISOString() }
    z.body.client_id = z.clientId
    items.value = [...items.value, z]
    save()
    if (!canSend()) return { status: 'queued' }
    const out = await sendOne(z)
    if (out.result) return { status: 'sent', result: out.result }
    if (out.error) {
      dismissRejected(z.clientId)
      return { status: 'rejected', error: out.error }
    }
    return { status: 'queued' }
  }

  function dismissRejected(clientId: string): void {
    rejected.value = rejected.value.filter((r) => r.clientId !== clientId)
    writeList(deps.storage, ZERO_REJECTED_KEY, rejected.value)
  }

  const flush = flusher(items, sending, canSend, sendOne)
  return { items, rejected, sending, enqueue, flush, dismissRejected, ...onlineRetry(deps.events, flush) }
}
