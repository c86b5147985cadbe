/** The alerts statistics page: the units under one unit for one month, with the xlsx export. */
import { alertsStatsApi, type AlertStats } from '@/api/alertsStats'
import { t } from '@/shared/i18n'
import { useMonthlyStats } from '@/console/useMonthlyStats'

/** A share (0..1) as a percent with one decimal; a dash when there is nothing to rate. */
export function percentOf(value: number | null | undefined): string {
  return value === null || value === undefined ? t('alertsStats.none') : `${(value * 100).toFixed(1)}%`
}

export function hoursOf(value: number | null | undefined): string {
  return value === null || value === undefined ? t('alertsStats.none') : value.toFixed(1)
}

export function useAlertsStats(defaultUnit: () => number | null) {
  const stats = useMonthlyStats<AlertStats>(defaultUnit, {
    fetch: (unit, month) => alertsStatsApi.get(unit, month),
    download: (unit, month) => alertsStatsApi.export(unit, month),
    fileLabel: () => t('alertsStats.exportFile'),
  })

  /** Show the units under `id` (a row's unit). */
  function drill(id: number): void {
    stats.unit.value = id
    void stats.load()
  }

  return { ...stats, drill }
}
