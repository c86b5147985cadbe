/**
 * One kind of place, listed: the filters (search box, category, unit subtree, a house's use,
 * facilities not inspected this month, retired too), keyset pages ("load more"), and the same
 * filters on a map (the newest places with a position, the server says when there are more).
 */
import { ref, shallowRef } from 'vue'
import { placesApi, type PlaceListFilter, type PlaceMapFilter } from '@/api/registry'
import { unitsApi } from '@/api/units'
import type { FeatureCollection, PlaceKind, PlaceMap, PlaceOut, PlaceSpec } from '@/api/types'
import { useKeysetList } from '../../useKeysetList'

export const PAGE_SIZE = 20

export type PlaceView = 'list' | 'map'

export interface PlaceSearch {
  q: string
  category: string
  under: number | null
  /** Houses: one use (rental …) or all. */
  use: string
  /** Facilities: only those not inspected this month. */
  missing: boolean
  includeRetired: boolean
}

export function emptySearch(under: number | null): PlaceSearch {
  return { q: '', category: '', under, use: '', missing: false, includeRetired: false }
}

/** The API filter from what the page shows (empty fields, and fields the kind lacks, left out). */
export function toFilter(kind: PlaceKind, s: PlaceSearch, spec: PlaceSpec | null = null): PlaceMapFilter {
  return {
    q: s.q.trim() || undefined,
    category: (spec?.code_table && s.category) || undefined,
    under: s.under ?? undefined,
    use: (kind === 'houses' && s.use) || undefined,
    missing: (kind === 'facilities' && s.missing) || undefined,
    include_retired: s.includeRetired || undefined,
  }
}

export function toListFilter(kind: PlaceKind, s: PlaceSearch, spec: PlaceSpec | null, cursor: number | null): PlaceListFilter {
  return { ...toFilter(kind, s, spec), cursor: cursor ?? undefined, limit: PAGE_SIZE }
}

let specsPromise: Promise<PlaceSpec[]> | null = null

/** The kinds' specs, asked once per page session (a failure is forgotten, to be asked again). */
export function loadPlaceSpecs(): Promise<PlaceSpec[]> {
  if (!specsPromise) {
    specsPromise = placesApi.specs().catch((e: unknown) => {
      specsPromise = null
      throw e
    })
  }
  return specsPromise
}

export async function specOf(kind: PlaceKind): Promise<PlaceSpec | null> {
  return (await loadPlaceSpecs().catch(() => [])).find((s) => s.kind === kind) ?? null
}

export function usePlaces(kind: () => PlaceKind, defaultUnder: () => number | null) {
  const spec = shallowRef<PlaceSpec | null>(null)
  const list = useKeysetList<PlaceSearch, PlaceOut>({
    emptySearch: () => emptySearch(defaultUnder()),
    fetchPage: (search, cursor) => placesApi.list(kind(), toListFilter(kind(), search, spec.value, cursor)),
    fetchTotal: (search) => placesApi.total(kind(), toFilter(kind(), search, spec.value)),
  })
  const search = list.search

  async function loadSpec(): Promise<void> {
    spec.value = await specOf(kind())
  }

  // ---- the map ----
  const map = shallowRef<PlaceMap | null>(null)
  const mapLoading = ref(false)
  /**
   * The boundaries drawn beneath: those of the smallest unit holding the places shown (a village
   * and its grids, when they are all in one village), else of the unit searched under.
   */
  const boundaries = shallowRef<FeatureCollection | null>(null)
  let boundariesOf: number | null = null
  let mapGeneration = 0

  async function loadBoundaries(unitId: number | null): Promise<void> {
    if (unitId === boundariesOf) return
    boundariesOf = unitId
    try {
      const data = unitId === null ? null : await unitsApi.map(unitId)
      if (boundariesOf === unitId) boundaries.value = data
    } catch {
      if (boundariesOf === unitId) boundaries.value = null
    }
  }

  async function loadMap(): Promise<void> {
    const mine = ++mapGeneration
    mapLoading.value = true
    try {
      const data = await placesApi.map(kind(), toFilter(kind(), search, spec.value))
      if (mine !== mapGeneration) return
      map.value = data
      void loadBoundaries(data.area?.id ?? search.under ?? defaultUnder())
    } finally {
      if (mine === mapGeneration) mapLoading.value = false
    }
  }

  return { ...list, spec, loadSpec, map, mapLoading, boundaries, loadMap }
}
