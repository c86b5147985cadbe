/** The alerts statistics page: the units under one unit for one month, with the xlsx export. */
import { ref, shallowRef } from 'vue'
import { alertsStatsApi, type AlertStats } from '@/api/alertsStats'
import { saveBlob } from '@/api/http'
import { currentMonth } from '@/shared/caseStats'
import { t } from '@/shared/i18n'

/** A share (0..1) as a percent with one decimal; a dash when there is nothing to rate. */
export function percentOf(value: number | null | undefined): string {
  return value === null || value === undefined ? t('alertsStats.none') : `${(value * 100).toFixed(1)}%`
}

export function hoursOf(value: number | null | undefined): string {
  return value === null || value === undefined ? t('alertsStats.none') : value.toFixed(1)
}

export function useAlertsStats(defaultUnit: () => number | null) {
  const unit = ref<number | null>(defaultUnit())
  const month = ref<string>(currentMonth())
  const data = shallowRef<AlertStats | null>(null)
  const loading = ref(false)
  const exporting = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const res = await alertsStatsApi.get(unit.value, month.value || currentMonth())
      if (mine === generation) data.value = res
    } catch {
      if (mine === generation) data.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Show the units under `id` (a row's unit). */
  function drill(id: number): void {
    unit.value = id
    void load()
  }

  async function exportXlsx(): Promise<void> {
    exporting.value = true
    try {
      const m = month.value || currentMonth()
      const blob = await alertsStatsApi.export(unit.value, m)
      const code = data.value?.unit.code ?? ''
      saveBlob(blob, `${t('alertsStats.exportFile')}-${code ? `${code}-` : ''}${m}.xlsx`)
    } catch {
      /* the http wrapper has shown the message */
    } finally {
      exporting.value = false
    }
  }

  return { unit, month, data, loading, exporting, load, drill, exportXlsx }
}
