/** The analysis report page: one unit's month, its charts' options and the .docx download. */
import { computed, ref, shallowRef } from 'vue'
import type { EChartsOption } from 'echarts'
import { analysisApi, type AnalysisCategoryRow, type AnalysisReport } from '@/api/analysis'
import { saveBlob } from '@/api/http'
import { currentMonth } from '@/shared/caseStats'
import { t } from '@/shared/i18n'

/** A change against the month before: up or down by a percent, flat, or a dash with nothing before. */
export function changeText(change: number | null | undefined): string {
  if (change === null || change === undefined) return t('analysis.none')
  if (change === 0) return t('analysis.flat')
  const n = `${Math.abs(change * 100).toFixed(1)}%`
  return change > 0 ? t('analysis.up', { n }) : t('analysis.down', { n })
}

export function shareText(share: number | null | undefined): string {
  return share === null || share === undefined ? t('analysis.none') : `${(share * 100).toFixed(1)}%`
}

/** Grouped horizontal bars: this month against the month before, per category. */
function compareOption(rows: readonly AnalysisCategoryRow[]): EChartsOption {
  const shown = [...rows].slice(0, 10).reverse()
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.label) },
    series: [
      { name: t('analysis.previousMonth'), type: 'bar', data: shown.map((r) => r.previous), itemStyle: { color: '#b1c4de' } },
      { name: t('analysis.thisMonth'), type: 'bar', data: shown.map((r) => r.count), itemStyle: { color: '#2f6bd8' } },
    ],
  }
}

export function useAnalysisReport(defaultUnit: () => number | null) {
  const unit = ref<number | null>(defaultUnit())
  const month = ref<string>(currentMonth())
  const data = shallowRef<AnalysisReport | null>(null)
  const loading = ref(false)
  const downloading = ref(false)
  let generation = 0

  /** Load for the chosen unit and month (a newer call wins over an older one). */
  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const res = await analysisApi.get(unit.value, month.value || currentMonth())
      if (mine === generation) data.value = res
    } catch {
      if (mine === generation) data.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function download(): Promise<void> {
    downloading.value = true
    try {
      const m = month.value || currentMonth()
      const blob = await analysisApi.docx(unit.value, m)
      const name = data.value?.unit.name ?? ''
      saveBlob(blob, `${t('analysis.fileLabel')}-${name ? `${name}-` : ''}${m}.docx`)
    } catch {
      /* the http wrapper has shown the message */
    } finally {
      downloading.value = false
    }
  }

  /** Twelve months stacked by top category, with the total as a line. */
  const trendOption = computed<EChartsOption>(() => {
    const d = data.value
    if (!d) return {}
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: d.trend.map((m) => m.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        ...d.series.map((s, i) => ({
          name: s.label,
          type: 'bar' as const,
          stack: 'cases',
          barMaxWidth: 28,
          data: d.trend.map((m) => m.counts[i] ?? 0),
        })),
        {
          name: t('analysis.total'),
          type: 'line' as const,
          data: d.trend.map((m) => m.total),
          itemStyle: { color: '#e6a23c' },
        },
      ],
    }
  })
  const trendEmpty = computed(() => !data.value || data.value.trend.every((m) => m.total === 0))

  const categoryOption = computed<EChartsOption>(() => compareOption(data.value?.by_category ?? []))
  const categoryEmpty = computed(() => !data.value || data.value.by_category.length === 0)

  const preventableRows = computed(() =>
    (data.value?.preventable.rows ?? []).filter((r) => r.count > 0 || r.previous > 0 || r.last_year > 0),
  )
  const preventableOption = computed<EChartsOption>(() => compareOption(preventableRows.value))
  const preventableEmpty = computed(() => preventableRows.value.every((r) => r.count === 0 && r.previous === 0))

  return {
    unit,
    month,
    data,
    loading,
    downloading,
    load,
    download,
    trendOption,
    trendEmpty,
    categoryOption,
    categoryEmpty,
    preventableRows,
    preventableOption,
    preventableEmpty,
  }
}
