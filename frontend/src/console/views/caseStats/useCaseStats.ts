/** Monthly statistics page: one unit (and its subtree) for one month, with the xlsx export. */
import { casesApi } from '@/api/cases'
import type { CaseStats } from '@/api/types'
import { t } from '@/shared/i18n'
import { useMonthlyStats } from '@/console/useMonthlyStats'

export function useCaseStats(defaultUnit: () => number | null) {
  return useMonthlyStats<CaseStats>(defaultUnit, {
    fetch: (unit, month) => casesApi.stats(unit, month),
    download: (unit, month) => casesApi.statsExport(unit, month),
    fileLabel: () => t('caseStats.exportFile'),
  })
}
