/** A monthly statistics page: one unit (and what is under it) for one month, with the xlsx
 * export. The cases' and the alerts' statistics pages differ only in what they fetch. */
import { ref, shallowRef, type ShallowRef } from 'vue'
import { saveBlob } from '@/api/http'
import { currentMonth } from '@/shared/caseStats'

export interface MonthlySource<T> {
  fetch: (unit: number | null, month: string) => Promise<T>
  download: (unit: number | null, month: string) => Promise<Blob>
  /** The file's name before `-<unit code>-<month>.xlsx`. */
  fileLabel: () => string
}

export function useMonthlyStats<T extends { unit: { code: string } }>(
  defaultUnit: () => number | null,
  source: MonthlySource<T>,
) {
  const unit = ref<number | null>(defaultUnit())
  const month = ref<string>(currentMonth())
  const data: ShallowRef<T | null> = shallowRef(null)
  const loading = ref(false)
  const exporting = ref(false)
  let generation = 0

  /** Load for the chosen unit and month (a newer call wins over an older one). */
  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const res = await source.fetch(unit.value, month.value || currentMonth())
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
      const blob = await source.download(unit.value, m)
      const code = data.value?.unit.code ?? ''
      saveBlob(blob, `${source.fileLabel()}-${code ? `${code}-` : ''}${m}.xlsx`)
    } catch {
      /* the http wrapper has shown the message */
    } finally {
      exporting.value = false
    }
  }

  return { unit, month, data, loading, exporting, load, exportXlsx }
}
