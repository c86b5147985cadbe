/**
 * The home dashboard's state: the figures of the chosen unit (the header's unit, else the
 * user's own) and month, and where each figure leads (the list behind it).
 */
import { ref, shallowRef, watch } from 'vue'
import type { RouteLocationRaw } from 'vue-router'
import { screenApi, type Dashboard } from '@/api/screen'

export function currentMonth(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

/** The first and last day of a `YYYY-MM` month. */
export function monthBounds(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(y, m, 0).getDate()
  return [`${month}-01`, `${month}-${String(last).padStart(2, '0')}`]
}

export type CaseLink = 'reported' | 'open' | 'completed' | 'overdue' | 'yellow' | 'red'

/** The case list behind one figure of a unit's month (its filters in the address). */
export function casesLink(unitId: number, month: string, what: CaseLink, extra: Record<string, string> = {}): RouteLocationRaw {
  const [since, until] = monthBounds(month)
  const base = { under: String(unitId), since, until, ...extra }
  switch (what) {
    case 'overdue':
    case 'yellow':
    case 'red':
      return { path: '/cases', query: { ...base, box: 'overdue' } }
    case 'completed':
      return { path: '/cases', query: { ...base, box: 'all', status: 'completed' } }
    case 'open':
      return { path: '/cases', query: { ...base, box: 'all', status: 'in_progress' } }
    default:
      return { path: '/cases', query: { ...base, box: 'all' } }
  }
}

export function useDashboard(unitId: () => number | null) {
  const month = ref(currentMonth())
  const data = shallowRef<Dashboard | null>(null)
  const loading = ref(false)
  const failed = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    failed.value = false
    try {
      data.value = await screenApi.dashboard(unitId(), month.value, { silent: true })
    } catch {
      data.value = null
      failed.value = true
    } finally {
      loading.value = false
    }
  }

  watch([unitId, month], () => void load(), { immediate: true })
  return { month, data, loading, failed, load }
}
