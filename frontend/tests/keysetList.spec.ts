import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import { useKeysetList, type KeysetPage } from '@/console/useKeysetList'

interface Search {
  q: string
  under: number | null
}
interface Row {
  id: number
}

/** A request the test answers when it likes. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const page = (ids: number[], next: number | null = null): KeysetPage<Row> => ({ items: ids.map((id) => ({ id })), next_cursor: next })

function setUp(under: () => number | null = () => 7) {
  const calls: { search: Search; cursor: number | null; answer: ReturnType<typeof deferred<KeysetPage<Row>>> }[] = []
  const fetchPage = vi.fn((search: Search, cursor: number | null) => {
    const answer = deferred<KeysetPage<Row>>()
    calls.push({ search: { ...search }, cursor, answer })
    return answer.promise
  })
  const list = useKeysetList<Search, Row>({ emptySearch: () => ({ q: '', under: under() }), fetchPage })
  return { list, calls, fetchPage }
}

describe('a keyset list', () => {
  it('loads the first page for the filters, then the next ones by cursor', async () => {
    const { list, calls } = setUp()
    list.search.q = 'wang'
    const first = list.reload()
    expect(list.loading.value).toBe(true)
    expect(list.loaded.value).toBe(false)
    calls[0]?.answer.resolve(page([3, 2], 2))
    await first
    expect(calls[0]?.search).toEqual({ q: 'wang', under: 7 })
    expect(calls[0]?.cursor).toBeNull()
    expect(list.rows.value.map((r) => r.id)).toEqual([3, 2])
    expect(list.nextCursor.value).toBe(2)
    expect(list.loading.value).toBe(false)
    expect(list.loaded.value).toBe(true)

    const more = list.loadMore()
    expect(list.loadingMore.value).toBe(true)
    calls[1]?.answer.resolve(page([1]))
    await more
    expect(calls[1]?.cursor).toBe(2)
    expect(calls[1]?.search.q).toBe('wang')
    expect(list.rows.value.map((r) => r.id)).toEqual([3, 2, 1])
    expect(list.nextCursor.value).toBeNull()
    expect(list.loadingMore.value).toBe(false)
  })

  it('asks nothing more after the last page', async () => {
    const { list, fetchPage } = setUp()
    await list.loadMore()
    expect(fetchPage).not.toHaveBeenCalled()
  })

  it('keeps the newer of two overlapping reloads', async () => {
    const { list, calls } = setUp()
    const older = list.reload()
    list.search.q = 'li'
    const newer = list.reload()
    calls[1]?.answer.resolve(page([9]))
    await newer
    expect(list.loading.value).toBe(false)
    calls[0]?.answer.resolve(page([1, 2, 3], 3))
    await older
    expect(list.rows.value.map((r) => r.id)).toEqual([9])
    expect(list.nextCursor.value).toBeNull()
  })

  it('drops a next page that arrives after the filters changed', async () => {
    const { list, calls } = setUp()
    const first = list.reload()
    calls[0]?.answer.resolve(page([5, 4], 4))
    await first
    const more = list.loadMore()
    list.search.q = 'zhao'
    const again = list.reload()
    calls[2]?.answer.resolve(page([8]))
    await again
    calls[1]?.answer.resolve(page([3]))
    await more
    expect(list.rows.value.map((r) => r.id)).toEqual([8])
    expect(list.loadingMore.value).toBe(false)
  })

  it('resets the filters to their defaults as they are now', () => {
    let unit: number | null = 7
    const { list } = setUp(() => unit)
    list.search.q = 'wang'
    unit = 12
    list.reset()
    expect(list.search).toEqual({ q: '', under: 12 })
  })

  it('keeps the rows and holds the error when a page fails, and clears it on the next reload', async () => {
    const { list, calls } = setUp()
    const first = list.reload()
    calls[0]?.answer.resolve(page([1], 1))
    await first
    const failing = list.reload()
    const err = new ApiError(500, { code: 'server_error', message: 'x' })
    calls[1]?.answer.reject(err)
    await expect(failing).rejects.toBe(err)
    expect(list.error.value).toBe(err)
    expect(list.loading.value).toBe(false)
    expect(list.rows.value.map((r) => r.id)).toEqual([1])

    const retry = list.reload()
    expect(list.error.value).toBeNull()
    calls[2]?.answer.resolve(page([2]))
    await retry
    expect(list.rows.value.map((r) => r.id)).toEqual([2])
  })

  it('ignores the failure of a reload that a newer one replaced', async () => {
    const { list, calls } = setUp()
    const older = list.reload()
    const newer = list.reload()
    calls[0]?.answer.reject(new Error('gone'))
    await expect(older).rejects.toThrow('gone')
    expect(list.error.value).toBeNull()
    expect(list.loading.value).toBe(true)
    calls[1]?.answer.resolve(page([1]))
    await newer
    expect(list.loading.value).toBe(false)
  })
})

describe('a keyset list with a total', () => {
  it('counts itself when one page holds everything, and asks the server otherwise', async () => {
    const fetchTotal = vi.fn((search: Search) => (search.q === 'id' ? null : Promise.resolve({ count: 1000, capped: true })))
    let next: KeysetPage<Row> = page([3, 2, 1])
    const list = useKeysetList<Search, Row>({ emptySearch: () => ({ q: '', under: 7 }), fetchPage: () => Promise.resolve(next), fetchTotal })
    await list.reload()
    expect(list.total.value).toEqual({ count: 3, capped: false })
    expect(fetchTotal).not.toHaveBeenCalled()

    next = page([30, 29], 29)
    await list.reload()
    await Promise.resolve()
    expect(fetchTotal).toHaveBeenCalledTimes(1)
    expect(list.total.value).toEqual({ count: 1000, capped: true })

    list.search.q = 'id' // a search that is not counted
    await list.reload()
    expect(list.total.value).toBeNull()
  })
})
