/**
 * State of the case list: the box tabs with their counts, the filters, keyset pages
 * ("load more" follows next_cursor), and the event-category code table for the cascader.
 */
import { reactive, ref, shallowRef } from 'vue'
import { casesApi, type CaseListFilter } from '@/api/cases'
import { dictionaryApi } from '@/api/dictionary'
import type { CaseBox, CaseCounts, CaseKind, CaseListItem, CaseStatus, DictItemOut } from '@/api/types'
import { buildCategoryTree, type CategoryOption } from '@/shared/cases'

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
  const search = reactive<CaseSearch>(emptySearch(defaultUnder()))
  const rows = ref<CaseListItem[]>([])
  const nextCursor = ref<number | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const counts = ref<CaseCounts | null>(null)
  const categoryItems = shallowRef<DictItemOut[]>([])
  const categoryTree = shallowRef<CategoryOption[]>([])
  let generation = 0

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

  /** First page for the current box and filters (a newer call wins over an older one). */
  async function reload(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await casesApi.list(toFilter(box.value, search, null))
      if (mine !== generation) return
      rows.value = page.items
      nextCursor.value = page.next_cursor ?? null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null) return
    const mine = generation
    loadingMore.value = true
    try {
      const page = await casesApi.list(toFilter(box.value, search, nextCursor.value))
      if (mine !== generation) return
      rows.value = [...rows.value, ...page.items]
      nextCursor.value = page.next_cursor ?? null
    } finally {
      loadingMore.value = false
    }
  }

  function reset(): void {
    Object.assign(search, emptySearch(defaultUnder()))
  }

  return { box, search, rows, nextCursor, loading, loadingMore, counts, categoryItems, categoryTree, loadCategories, loadCounts, reload, loadMore, reset }
}
