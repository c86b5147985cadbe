/**
 * State of a key-person / care-recipient list: the filters (category, unit subtree, due, name)
 * and pages. With a due filter the server answers the visits coming due, soonest first, in one
 * page; otherwise newest first with "load more".
 */
import { categoriesApi, type CategoryListFilter } from '@/api/registry'
import type { CategoryGroup, CategoryRow, CategorySpec } from '@/api/types'
import { useKeysetList } from '../../useKeysetList'

export const PAGE_SIZE = 20
/** The due lists come in one page. */
export const DUE_LIMIT = 200

export type DueFilter = '' | 'soon' | 'overdue'

export interface CategorySearch {
  category: string
  under: number | null
  due: DueFilter
  q: string
  includeRetired: boolean
}

export function emptyCategorySearch(under: number | null): CategorySearch {
  return { category: '', under, due: '', q: '', includeRetired: false }
}

export function toCategoryFilter(group: CategoryGroup, s: CategorySearch, cursor: number | null): CategoryListFilter {
  return {
    group,
    category: s.category || undefined,
    under: s.under ?? undefined,
    due: s.due || undefined,
    q: s.q.trim() || undefined,
    include_retired: (!s.due && s.includeRetired) || undefined,
    cursor: s.due ? undefined : (cursor ?? undefined),
    limit: s.due ? DUE_LIMIT : PAGE_SIZE,
  }
}

let specsPromise: Promise<CategorySpec[]> | null = null

/** Every category with its fields (loaded once per page session; a failure is retried next time). */
export function loadCategorySpecs(): Promise<CategorySpec[]> {
  if (!specsPromise) {
    specsPromise = categoriesApi.specs().catch((e: unknown) => {
      specsPromise = null
      throw e
    })
  }
  return specsPromise
}

export function useCategories(group: () => CategoryGroup, defaultUnder: () => number | null) {
  return useKeysetList<CategorySearch, CategoryRow>({
    emptySearch: () => emptyCategorySearch(defaultUnder()),
    fetchPage: (search, cursor) => categoriesApi.list(toCategoryFilter(group(), search, cursor)),
    fetchTotal: (search) => categoriesApi.total(toCategoryFilter(group(), search, null)),
  })
}
