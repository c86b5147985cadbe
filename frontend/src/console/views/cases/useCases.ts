/**
 * State of the case list: the box tabs with their counts, the filters, keyset pages
 * ("load more" follows next_cursor), and the event-category code table for the cascader.
 */
import { ref, shallowRef } from 'vue'
import { casesApi, type CaseListFilter } from '@/api/cases'
import { dictionaryApi } from '@/api/dictionary'
import type { CaseBox, CaseCounts, CaseKind, CaseListItem, CaseStatus, DictItemOut } from '@/api/types'
import { buildCategoryTree, type CategoryOption } from '@/shared/cases'
import { useKeysetList } from '../../useKeysetList'

export const BOXES: readonly CaseBox[] = ['todo', 'done', 'mine', 'supervised', 'overdue', 'all']
export const KINDS: readonly CaseKind[] = ['event', 'task', 'request', 'rectification', 'petition']
export const STATUSES: readonly CaseStatus[] = [
  'awaiting_approval',
  'pending',
  'in_progress',
  'awaiting_confirmation',
  'completed',
  'archived',
  'returned',
  'cancelled',
]
export const PAGE_SIZE = 20

export function isBox(v: unknown): v is CaseBox {
  return typeof v === 'string' && (BOXES as readonly string[]).includes(v)
}

export interface CaseSearch {
  kind: CaseKind | ''
  category: string
  status: CaseStatus | ''
  under: number | null
  dates: [string, string] | null
  supervision: number | null
  q: string
}

export function emptySearch(under: number | null): CaseSearch {
  return { kind: '', category: '', status: '', under, dates: null, supervision: null, q: '' }
}

// --- filters from the address (the dashboards' figures open the list behind them)
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The filters a link carries (`?box=all&under=12&since=2026-11-01&until=2026-11-30&category=01`),
 * over `base`; unknown or malformed values are ignored. */
export function searchFromQuery(query: Record<string, unknown>, base: CaseSearch): CaseSearch {
  const one = (k: string): string => (typeof query[k] === 'string' ? (query[k] as string) : '')
  const out: CaseSearch = { ...base }
  const kind = one('kind')
  if ((KINDS as readonly string[]).includes(kind)) out.kind = kind as CaseKind
  const status = one('status')
  if ((STATUSES as readonly string[]).includes(status)) out.status = status as CaseStatus
  if (/^\d+$/.test(one('category'))) out.category = one('category')
  const under = Number(one('under'))
  if (Number.isInteger(under) && under > 0) out.under = under
  if (DATE.test(one('since')) && DATE.test(one('until'))) out.dates = [one('since'), one('until')]
  const supervision = Number(one('supervision'))
  if ([1, 2, 3].includes(supervision)) out.supervision = supervision
  return out
}
// --- end filters from the address

/** The API filter from what the page shows (empty fields left out). */
export function toFilter(box: CaseBox, s: CaseSearch, cursor: number | null): CaseListFilter {
  return {
    box,
    kind: s.kind || undefined,
    category: s.category || undefined,
    status: s.status || undefined,
    under: s.under ?? undefined,
    since: s.dates?.[0] || undefined,
    until: s.dates?.[1] || undefined,
    supervision: s.supervision ?? undefined,
    q: s.q.trim() || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

export function useCases(defaultUnder: () => number | null) {
  const box = ref<CaseBox>('todo')
  const list = useKeysetList<CaseSearch, CaseListItem>({
    emptySearch: () => emptySearch(defaultUnder()),
    fetchPage: (search, cursor) => casesApi.list(toFilter(box.value, search, cursor)),
    fetchTotal: (search) => casesApi.total(toFilter(box.value, search, null)),
  })
  const counts = ref<CaseCounts | null>(null)
  const categoryItems = shallowRef<DictItemOut[]>([])
  const categoryTree = shallowRef<CategoryOption[]>([])

  async function loadCategories(): Promise<void> {
    if (categoryItems.value.length) return
    try {
      categoryItems.value = await dictionaryApi.items('event_category')
      categoryTree.value = buildCategoryTree(categoryItems.value)
    } catch {
      /* the cascader stays empty; the list still works */
    }
  }

  async function loadCounts(): Promise<CaseCounts | null> {
    try {
      counts.value = await casesApi.counts()
    } catch {
      counts.value = null
    }
    return counts.value
  }

  return { box, ...list, counts, categoryItems, categoryTree, loadCategories, loadCounts }
}
