/**
 * The must-do completion board: a unit's grid workers and grids for one day (done/total with
 * the workers who have done nothing), the month per worker × day, and one worker's list of a
 * day opened from either table.
 */
import { ref, shallowRef } from 'vue'
import { mustDoApi, type MustDoCompletion, type MustDoList, type MustDoMonth } from '@/api/mustDo'
import type { UnitBrief } from '@/api/types'

export function isoDay(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The colour class of a completion share: the board and the month grid read the same scale. */
export function shareClass(done: number, total: number): string {
  if (total === 0) return 'zz-share-none'
  const p = done / total
  if (p >= 0.9) return 'zz-share-high'
  if (p >= 0.6) return 'zz-share-mid'
  if (p > 0) return 'zz-share-low'
  return 'zz-share-zero'
}

export function progressStatus(percent: number, total: number): '' | 'success' | 'warning' | 'exception' {
  if (total === 0) return ''
  if (percent >= 90) return 'success'
  if (percent >= 60) return 'warning'
  return 'exception'
}

/** The bar's colour by completion: green from 90%, orange from 60%, red below. */
export function barColor(percent: number): string {
  if (percent >= 90) return '#67c23a'
  if (percent >= 60) return '#e6a23c'
  return '#f56c6c'
}

export function useMustDo() {
  const unitId = ref<number | null>(null)
  const knownUnits = shallowRef<UnitBrief[]>([])
  const view = ref<'day' | 'month'>('day')
  const day = ref<string>(isoDay(new Date()))
  const month = ref<string>(isoDay(new Date()).slice(0, 7))
  const board = shallowRef<MustDoCompletion | null>(null)
  const monthly = shallowRef<MustDoMonth | null>(null)
  const loading = ref(false)
  const list = shallowRef<MustDoList | null>(null)
  const listOpen = ref(false)
  const listLoading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      if (view.value === 'day') board.value = await mustDoApi.completion(unitId.value ?? undefined, day.value)
      else monthly.value = await mustDoApi.month(unitId.value ?? undefined, month.value)
    } finally {
      loading.value = false
    }
  }

  async function openWorker(workerId: number, onDay: string): Promise<void> {
    listOpen.value = true
    listLoading.value = true
    list.value = null
    try {
      list.value = await mustDoApi.worker(workerId, onDay)
    } finally {
      listLoading.value = false
    }
  }

  return { unitId, knownUnits, view, day, month, board, monthly, loading, list, listOpen, listLoading, load, openWorker }
}
