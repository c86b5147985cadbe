/**
 * The day's must-do list on the phone, the parts without side effects: where each item is done,
 * the items grouped by kind, and which items wait in the offline queues (shown as waiting to upload).
 */
import type { MustDoItem, MustDoKind, MustDoList } from '@/api/mustDo'
import { MUST_DO_KINDS } from '@/api/mustDo'

/** Where the phone opens an item: a route of the phone app, or null (documents: no phone page). */
export type ItemLink = { name: string; params?: Record<string, number> } | { path: string; query?: Record<string, string> } | null

export function linkOf(item: Pick<MustDoItem, 'kind' | 'ref_id'>): ItemLink {
  switch (item.kind) {
    case 'visit':
      return { name: 'm-visit', params: { id: item.ref_id } }
    case 'case':
      return { name: 'm-case', params: { id: item.ref_id } }
    case 'warning':
      return { name: 'm-warning', params: { id: item.ref_id } }
    case 'zero_report':
      return { name: 'm-zero' }
    case 'inspection':
      return { path: `/capture/inspection/${item.ref_id}` }
    case 'patrol':
      return { path: '/patrol', query: { route: String(item.ref_id) } }
    default:
      return null
  }
}

export interface KindGroup {
  kind: MustDoKind
  label: string
  items: MustDoItem[]
  done: number
}

/** The items by kind, in the list's order of kinds; kinds without items are left out. */
export function groupByKind(items: readonly MustDoItem[]): KindGroup[] {
  const groups: KindGroup[] = []
  for (const kind of MUST_DO_KINDS) {
    const mine = items.filter((i) => i.kind === kind)
    if (mine.length) groups.push({ kind, label: mine[0]!.kind_label, items: mine, done: mine.filter((i) => i.done).length })
  }
  return groups
}

/** A queued change as the matchers see it: the action queue's and the visit queue's alike. */
export interface Queued {
  kind: string
  body: Record<string, unknown>
}

/**
 * Turns a queued change into the key of the item it will tick off ("kind:ref_id"), or null.
 * The must-do tick names its item; the other parts' actions name the record they touch.
 */
export type PendingMatcher = (a: Queued) => string | null

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null
}

export const pendingMatchers: PendingMatcher[] = [
  (a) => (a.kind === 'mustdo.tick' && num(a.body.item_id) !== null ? `item:${num(a.body.item_id)}` : null),
  (a) => (a.kind === 'visit' && num(a.body.category_id) !== null ? `visit:${num(a.body.category_id)}` : null),
  (a) => (a.kind.startsWith('inspection') && num(a.body.facility_id) !== null ? `inspection:${num(a.body.facility_id)}` : null),
  (a) => (a.kind.startsWith('patrol') && num(a.body.route_id) !== null ? `patrol:${num(a.body.route_id)}` : null),
  (a) => (a.kind === 'zero' ? 'zero_report:0' : null),
]

export function pendingKeys(queued: readonly Queued[], matchers: readonly PendingMatcher[] = pendingMatchers): Set<string> {
  const keys = new Set<string>()
  for (const a of queued) {
    for (const m of matchers) {
      const key = m(a)
      if (key) keys.add(key)
    }
  }
  return keys
}

export function isPending(item: Pick<MustDoItem, 'id' | 'kind' | 'ref_id' | 'done'>, keys: Set<string>): boolean {
  return !item.done && (keys.has(`item:${item.id}`) || keys.has(`${item.kind}:${item.ref_id}`))
}

/** "3/12": done, and done or waiting to upload. */
export function progressOf(list: Pick<MustDoList, 'items'> | null, keys: Set<string>): { done: number; pending: number; total: number } {
  const items = list?.items ?? []
  const done = items.filter((i) => i.done).length
  const pending = items.filter((i) => isPending(i, keys)).length
  return { done, pending, total: items.length }
}
