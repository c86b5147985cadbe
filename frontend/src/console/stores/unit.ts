import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { UnitBrief } from '@/api/types'

const STORAGE_KEY = 'zongzhi.currentUnit'

function load(): UnitBrief | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    return raw ? (JSON.parse(raw) as UnitBrief) : null
  } catch {
    return null
  }
}

/**
 * The unit chosen in the header. Lists use it as their default "under" filter.
 * Kept per browser so a county officer who works on one township keeps it across reloads.
 */
export const useUnitStore = defineStore('currentUnit', () => {
  const current = ref<UnitBrief | null>(load())

  watch(current, (u) => {
    try {
      if (u) localStorage.setItem(STORAGE_KEY, JSON.stringify(u))
      else localStorage.removeItem(STORAGE_KEY)
    } catch {
      /* storage may be disabled; the choice then lasts for this page only */
    }
  })

  function set(unit: UnitBrief | null): void {
    current.value = unit ? { id: unit.id, code: unit.code, name: unit.name, level: unit.level, path: unit.path } : null
  }

  /** Make sure the current unit is inside the user's view scope; otherwise fall back to the first root. */
  function ensureWithin(scope: readonly UnitBrief[]): void {
    const cur = current.value
    if (cur && scope.some((r) => cur.path.startsWith(r.path))) return
    set(scope[0] ?? null)
  }

  return { current, set, ensureWithin }
})
