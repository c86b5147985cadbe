/** Monthly statistics page: one unit (and its subtree) for one month, with the xlsx export. */
import { ref, shallowRef } from 'vue'
import { casesApi } from '@/api/cases'
import { saveBlob } from '@/api/http'
import type { CaseStats } from '@/api/types'
import { currentMonth } from '@/shared/caseStats'
import { t } from '@/shared/i18n'

export function useCaseStats(defaultUnit: () => number | null) {
  const unit = ref<number | null>(defaultUnit())
  const month = ref<string>(currentMonth())
  const data = shallowRef<CaseStats | null>(null)
  const loading = ref(false)
  const exporting = ref(false)
  let generation = 0

  /** Load for the chosen unit and month (a newer call wins over an older one). */
  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const res = await casesApi.stats(unit.value, month.value || currentMonth())
      if (mine === generation) data.value = res
    } catch {
      if (mine === generation) data.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function exportXlsx(): Promise<void> {
    exporting.value = true
    try {
      const m = month.value || currentMonth()
      const blob = await casesApi.statsExport(unit.value, m)
      const code = data.value?.unit.code ?? ''
      saveBlob(blob, `${t('caseStats.exportFile')}-${code ? `${code}-` : ''}${m}.xlsx`)
    } catch {
      /* the http wrapper has shown the message */
    } finally {
      exporting.value = false
    }
  }

  return { unit, month, data, loading, exporting, load, exportXlsx }
}
