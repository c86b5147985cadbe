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
  /** Filters a statistics figure opens the list with (stats pages), not shown as fields. */
  state?: 'reported' | 'open' | 'resolved'
  overdue?: number
  source?: 'grid' | 'village' | 'township' | 'county' | 'department'
}

export function emptySearch(under: number | null): CaseSearch {
  return { kind: '', category: '', status: '', under, dates: null, supervision: null, q: '' }
}


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
    state: s.state,
    overdue: s.overdue,
    source: s.source,
    q: s.q.trim() || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

const STATES = ['reported', 'open', 'resolved'] as const
const SOURCES = ['grid', 'village', 'township', 'county', 'department'] as const

function pick<T extends string>(v: unknown, allowed: readonly T[]): T | undefined {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : undefined
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The search a link opens the list with (a statistics figure, a dashboard's count:
 * `?box=all&under=12&since=2026-11-01&until=2026-11-30&category=01&state=open&overdue=3`),
 * over `base`; unknown or malformed values are ignored. */
export function searchFromQuery(q: Record<string, unknown>, base: CaseSearch): CaseSearch {
  const num = (v: unknown): number | null => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null)
  const date = (v: unknown): string | null => (typeof v === 'string' && DATE.test(v) ? v : null)
  const out: CaseSearch = { ...base }
  const kind = pick(q.kind, KINDS)
  if (kind) out.kind = kind
  if (typeof q.category === 'string' && /^\d+$/.test(q.category)) out.category = q.category
  const status = pick(q.status, STATUSES)
  if (status) out.status = status
  const under = num(q.under)
  if (under !== null && under > 0) out.under = under
  const since = date(q.since)
  const until = date(q.until)
  if (since && until) out.dates = [since, until]
  const supervision = num(q.supervision)
  if (supervision !== null && [1, 2, 3].includes(supervision)) out.supervision = supervision
  const state = pick(q.state, STATES)
  if (state) out.state = state
  const overdue = num(q.overdue)
  if (overdue !== null && [1, 2, 3].includes(overdue)) out.overdue = overdue
  const source = pick(q.source, SOURCES)
  if (source) out.source = source
  return out
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
