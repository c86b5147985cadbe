/**
 * The day's must-do list on the phone: the list from the server, kept for a day without a signal
 * (masked data only: lastSeen.ts, cleared at logout), the manual tick through the one action
 * queue (kind "mustdo.tick"), and which items wait in the queues to upload.
 */
import { computed, ref, shallowRef } from 'vue'
import { mustDoApi, type MustDoList } from '@/api/mustDo'
import { isOffline, keep, kept } from './lastSeen'
import { actionQueue, actionSenders, visitQueue, zeroQueue } from './queue'
import { pendingKeys, type Queued } from './mustDoList'

export const MUST_DO_KEY = 'mustdo.today'

actionSenders['mustdo.tick'] = (body) =>
  mustDoApi.tick(Number(body.item_id), { note: String(body.note ?? ''), client_id: (body.client_id as string | undefined) ?? null }, { silent: true })

interface Seen {
  at: string
  list: MustDoList
}

const list = shallowRef<MustDoList | null>(null)
/** When the list shown was fetched, if it came from the phone's copy (no signal). */
const cachedAt = ref<string | null>(null)

/** The day's list: from the server, kept; without a network, the copy kept last time. */
export async function loadToday(): Promise<MustDoList | null> {
  try {
    const fresh = await mustDoApi.mine(undefined, { silent: true })
    keep(MUST_DO_KEY, { at: new Date().toISOString(), list: fresh } satisfies Seen)
    list.value = fresh
    cachedAt.value = null
  } catch (e) {
    const seen = isOffline(e) ? kept<Seen>(MUST_DO_KEY) : undefined
    if (!seen) throw e
    list.value = seen.list
    cachedAt.value = seen.at
  }
  return list.value
}

/** The list last kept, without asking the server (the home page's card before it loads). */
export function keptToday(): MustDoList | null {
  return kept<Seen>(MUST_DO_KEY)?.list ?? null
}

const queued = computed<Queued[]>(() => [
  ...actionQueue.items.value.map((a) => ({ kind: a.kind, body: a.body })),
  ...visitQueue.items.value.map((v) => ({ kind: 'visit', body: { category_id: v.categoryId } })),
  ...zeroQueue.items.value.map(() => ({ kind: 'zero', body: {} })),
])

/** The keys of the items some queued change will tick off once it is sent. */
export const pending = computed(() => pendingKeys(queued.value))

export function useMustDo() {
  return { list, cachedAt, pending }
}
