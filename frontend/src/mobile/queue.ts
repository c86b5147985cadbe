/** The app's offline queues (reports, visits, zero reports), kept in localStorage (files in IndexedDB) and sent with the worker's token. */
import { upload } from '@/api/attachments'
import { casesApi } from '@/api/cases'
import { infoReportsApi, type InfoReportCreateIn, type InfoReportCreated } from '@/api/infoReports'
import { categoriesApi } from '@/api/registry'
import { indexedDbBlobStore } from './blobStore'
import { createReportQueue } from './reportQueue'
import { getToken } from './session'
import { createVisitQueue } from './visitQueue'
import { createActionQueue, type Sender } from './actionQueue'
import { onClearOfflineData } from './offlineData'
import { createZeroQueue } from './zeroQueue'
import { zeroApi } from '@/api/zeroReports'

const memory = new Map<string, string>()
const storage = {
  getItem: (k: string): string | null => {
    try {
      return localStorage.getItem(k)
    } catch {
      return memory.get(k) ?? null
    }
  },
  setItem: (k: string, v: string): void => {
    try {
      localStorage.setItem(k, v)
    } catch {
      memory.set(k, v)
    }
  },
}

export const reportQueue = createReportQueue({
  storage,
  send: (body) => casesApi.create(body, { silent: true }),
  upload: (file, name) => upload(file, name, { silent: true }),
  blobs: indexedDbBlobStore(typeof indexedDB === 'undefined' ? undefined : indexedDB),
  canSend: () => getToken() !== null,
  events: typeof window === 'undefined' ? null : window,
})

/** Stability information reported on the phone: the same queue, its own keys. */
export const infoQueue = createReportQueue<InfoReportCreateIn, InfoReportCreated>({
  storage,
  send: (body) => infoReportsApi.create(body, { silent: true }),
  keys: { queue: 'zongzhi.m.infoQueue', rejected: 'zongzhi.m.infoRejected' },
  upload: (file, name) => upload(file, name, { silent: true }),
  blobs: indexedDbBlobStore(typeof indexedDB === 'undefined' ? undefined : indexedDB),
  canSend: () => getToken() !== null,
  events: typeof window === 'undefined' ? null : window,
})

export const visitQueue = createVisitQueue({
  storage,
  send: (categoryId, body) => categoriesApi.visit(categoryId, body, { silent: true }),
  canSend: () => getToken() !== null,
  events: typeof window === 'undefined' ? null : window,
})

export const zeroQueue = createZeroQueue({
  storage,
  send: (body) => zeroApi.file(body, { silent: true }),
  canSend: () => getToken() !== null,
  events: typeof window === 'undefined' ? null : window,
})

/**
 * The day's work done offline (field capture, patrols, must-do ticks): one queue of actions.
 * Each part registers its senders here (`actionSenders`) when its module loads; see actionQueue.ts.
 */
export const actionSenders: Record<string, Sender> = {}

export const actionQueue = createActionQueue({
  storage,
  senders: actionSenders,
  upload: (file, name) => upload(file, name, { silent: true }),
  blobs: indexedDbBlobStore(typeof indexedDB === 'undefined' ? undefined : indexedDB),
  canSend: () => getToken() !== null,
  events: typeof window === 'undefined' ? null : window,
})

onClearOfflineData(
  () => actionQueue.clear(),
  () => actionQueue.items.value.length + actionQueue.rejected.value.length,
)

/** Send whatever waits in every queue now: after the worker has signed the agreement or changed
 * the password, the actions the server held back (403 until then) go through at once. */
export async function sendWaiting(): Promise<void> {
  for (const q of [reportQueue, infoQueue, visitQueue, zeroQueue, actionQueue]) await q.flush()
}
