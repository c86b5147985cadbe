/**
 * The units a UnitTreeSelect can name before its tree is loaded: the user's current unit and the
 * unit the page shows (when another one was chosen or opened by a link).
 */
import { computed, type ComputedRef } from 'vue'
import type { UnitBrief } from '@/api/types'
import { useUnitStore } from '../stores/unit'

export function useKnownUnits(shown: () => UnitBrief | null | undefined): ComputedRef<UnitBrief[]> {
  const unitStore = useUnitStore()
  return computed(() => {
    const list: UnitBrief[] = []
    if (unitStore.current) list.push(unitStore.current)
    const unit = shown()
    if (unit && !list.some((u) => u.id === unit.id)) list.push(unit)
    return list
  })
}
