/**
 * State of the resident list: the filters (kind, search box, unit subtree, retired too) and keyset
 * pages ("load more" follows next_cursor).
 */
import { reactive, ref } from 'vue'
import { residentsApi, type ResidentListFilter } from '@/api/registry'
import type { ResidentKind, ResidentRow } from '@/api/types'

export const PAGE_SIZE = 20

export interface ResidentSearch {
  kind: ResidentKind | ''
  q: string
  under: number | null
  includeRetired: boolean
}

export function emptySearch(under: number | null): ResidentSearch {
  return { kind: '', q: '', under, includeRetired: false }
}

/** The API filter from what the page shows (empty fields left out). */
export function toFilter(s: ResidentSearch, cursor: number | null): ResidentListFilter {
  return {
    kind: s.kind || undefined,
    q: s.q.trim() || undefined,
    under: s.under ?? undefined,
    include_retired: s.includeRetired || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

export function useResidents(defaultUnder: () => number | null) {
  const search = reactive<ResidentSearch>(emptySearch(defaultUnder()))
  const rows = ref<ResidentRow[]>([])
  const nextCursor = ref<number | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  /** The first page was answered at least once (so an empty table means "nobody found"). */
  const loaded = ref(false)
  let generation = 0

  /** First page for the current filters (a newer call wins over an older one). */
  async function reload(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await residentsApi.list(toFilter(search, null))
      if (mine !== generation) return
      rows.value = page.items
      nextCursor.value = page.next_cursor ?? null
      loaded.value = true
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null) return
    const mine = generation
    loadingMore.value = true
    try {
      const page = await residentsApi.list(toFilter(search, nextCursor.value))
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

  return { search, rows, nextCursor, loading, loadingMore, loaded, reload, loadMore, reset }
}
