/**
 * A list read in keyset pages: the filters as the page holds them, the rows loaded so far, and
 * "load more" following the server's `next_cursor`. The pages of residents, cases, key persons /
 * care recipients and places all use it; each says only how its filters become a request.
 *
 * 1. `reload()` asks for the first page of the current filters and replaces the rows; when two
 *    reloads overlap (the user types on), the newer one wins and the older answer is dropped.
 * 2. `loadMore()` appends the next page, unless a reload started meanwhile (its rows would belong
 *    to other filters).
 * 3. `reset()` puts the filters back to their defaults; the page then reloads.
 * 4. With `fetchTotal`, a first page that is not the whole list is followed by a count of what
 *    the filters select (`total`: "N rows", or "over 1000"); a list that fits one page counts itself.
 * A failed request leaves the rows as they were, sets `error`, and rejects (the API client has
 * already shown its message).
 */
import { reactive, ref, type Ref, type UnwrapNestedRefs } from 'vue'

/** One page of a keyset list, as every such endpoint answers. */
export interface KeysetPage<T> {
  items: T[]
  next_cursor?: number | null
}

/** How many rows the filters select, counted by the server up to its cap. */
export interface ListTotal {
  count: number
  capped: boolean
}

export interface KeysetListOptions<S extends object, T> {
  /** The filters at their defaults (called again by `reset`). */
  emptySearch: () => S
  /** One page for the filters, from `cursor` on (null: the first page). */
  fetchPage: (search: UnwrapNestedRefs<S>, cursor: number | null) => Promise<KeysetPage<T>>
  /** The count for the filters (null: this search is not counted, e.g. a whole ID number). */
  fetchTotal?: (search: UnwrapNestedRefs<S>) => Promise<ListTotal> | null
}

export function useKeysetList<S extends object, T>(options: KeysetListOptions<S, T>) {
  const search = reactive(options.emptySearch())
  const rows = ref([]) as Ref<T[]>
  const nextCursor = ref<number | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  /** The first page was answered at least once (so an empty table means "none found"). */
  const loaded = ref(false)
  /** The last request's failure, cleared by the next reload. */
  const error = ref<unknown>(null)
  /** How many rows the filters select (null while unknown or not counted). */
  const total = ref<ListTotal | null>(null)
  let generation = 0

  function count(mine: number): void {
    if (nextCursor.value === null) {
      total.value = { count: rows.value.length, capped: false }
      return
    }
    const asked = options.fetchTotal?.(search)
    if (!asked) return
    asked
      .then((t) => {
        if (mine === generation) total.value = t
      })
      .catch(() => undefined)
  }

  /** First page for the current filters (a newer call wins over an older one). */
  async function reload(): Promise<void> {
    const mine = ++generation
    loading.value = true
    error.value = null
    total.value = null
    try {
      const page = await options.fetchPage(search, null)
      if (mine !== generation) return
      rows.value = page.items
      nextCursor.value = page.next_cursor ?? null
      loaded.value = true
      count(mine)
    } catch (e) {
      if (mine === generation) error.value = e
      throw e
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** The next page, appended (nothing when there is none). */
  async function loadMore(): Promise<void> {
    if (nextCursor.value === null) return
    const mine = generation
    loadingMore.value = true
    try {
      const page = await options.fetchPage(search, nextCursor.value)
      if (mine !== generation) return
      rows.value = [...rows.value, ...page.items]
      nextCursor.value = page.next_cursor ?? null
    } catch (e) {
      if (mine === generation) error.value = e
      throw e
    } finally {
      loadingMore.value = false
    }
  }

  function reset(): void {
    Object.assign(search, options.emptySearch())
  }

  return { search, rows, nextCursor, loading, loadingMore, loaded, error, total, reload, loadMore, reset }
}
