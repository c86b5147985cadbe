/**
 * A statistics page: the chosen unit and month, the figures (a newer load wins over an older
 * one), and the click-through to the list behind a figure.
 */
import { ref, shallowRef, type ShallowRef } from 'vue'
import { useRouter } from 'vue-router'
import type { StatsLink } from '@/api/stats'
import { currentMonth } from '@/shared/caseStats'

export function useStatsPage<T>(defaultUnit: () => number | null, fetch: (unit: number | null, month: string) => Promise<T>) {
  const router = useRouter()
  const unit = ref<number | null>(defaultUnit())
  const month = ref<string>(currentMonth())
  const data: ShallowRef<T | null> = shallowRef(null)
  const loading = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const res = await fetch(unit.value, month.value || currentMonth())
      if (mine === generation) data.value = res
    } catch {
      if (mine === generation) data.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Open the list behind a figure (its route and filters). */
  function open(link: StatsLink | null | undefined): void {
    if (link) void router.push({ path: link.path, query: link.query })
  }

  return { unit, month, data, loading, load, open }
}

/** A share (0..1) as a percentage, or a dash. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`
}
