/**
 * Links from the calendar and the ledgers name a record as `?id=N`: open it when the page is
 * entered with one and whenever it changes; when the record's drawer closes, drop `id` from the
 * address so the same link opens it again and a reload does not.
 */
import { watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function queryId(raw: unknown): number | null {
  const first = Array.isArray(raw) ? raw[0] : raw
  if (typeof first !== 'string' || !/^\d+$/.test(first)) return null
  const id = Number(first)
  return id > 0 ? id : null
}

export function useQueryRecord(open: (id: number) => unknown, isOpen: () => boolean): void {
  const route = useRoute()
  const router = useRouter()
  watch(
    () => route.query.id,
    (raw) => {
      const id = queryId(raw)
      if (id !== null) void Promise.resolve(open(id)).catch(() => undefined)
    },
    { immediate: true },
  )
  watch(isOpen, (now, before) => {
    if (before && !now && route.query.id !== undefined) {
      void router.replace({ query: { ...route.query, id: undefined } })
    }
  })
}
