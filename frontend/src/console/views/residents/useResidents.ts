/**
 * State of the resident list: the filters (kind, search box, unit subtree, retired too) and keyset
 * pages ("load more" follows next_cursor).
 */
import { residentsApi, type ResidentListFilter } from '@/api/registry'
import type { ResidentKind, ResidentRow } from '@/api/types'
import { useKeysetList } from '../../useKeysetList'

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
  return useKeysetList<ResidentSearch, ResidentRow>({
    emptySearch: () => emptySearch(defaultUnder()),
    fetchPage: (search, cursor) => residentsApi.list(toFilter(search, cursor)),
    // a whole ID number or phone is an audited search whose page holds every match: not counted
    fetchTotal: (search) => (/^[0-9Xx\s]{11,}$/.test(search.q.trim()) ? null : residentsApi.total(toFilter(search, null))),
  })
}
