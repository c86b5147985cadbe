/** The zero-report page: my unit's current period with the one-click report, and, for the units
 * above, who under the chosen unit reported for a month or a day, with the reminder. */
import { computed, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { zeroApi, type CompletenessOut, type CurrentOut, type PeriodKindName, type ZeroOut } from '@/api/zeroReports'
import type { UnitBrief } from '@/api/types'
import { t } from '@/shared/i18n'

function isoDay(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function useZero() {
  const current = shallowRef<CurrentOut | null>(null)
  const history = shallowRef<ZeroOut[]>([])
  const filing = ref(false)
  const loadingMine = ref(false)

  const table = shallowRef<CompletenessOut | null>(null)
  const loadingTable = ref(false)
  const reminding = ref(false)
  const unitId = ref<number | null>(null)
  const knownUnits = shallowRef<UnitBrief[]>([])
  const kind = ref<PeriodKindName>('monthly')
  const day = ref<string>(isoDay(new Date()))

  async function loadMine(): Promise<void> {
    loadingMine.value = true
    try {
      const [c, h] = await Promise.all([zeroApi.current({ silent: true }), zeroApi.history()])
      current.value = c
      history.value = h
    } catch {
      current.value = null
    } finally {
      loadingMine.value = false
    }
  }

  async function file(monthly: boolean): Promise<void> {
    const c = current.value
    if (!c) return
    const period = monthly && c.month ? c.month.period : c.current.period
    try {
      await ElMessageBox.confirm(t('zeroReports.confirmNothing', { period: period.label }), t('common.confirmTitle'), {
        type: 'info',
      })
    } catch {
      return
    }
    filing.value = true
    try {
      await zeroApi.file({ kind: monthly ? 'monthly' : null, note: '', client_id: crypto.randomUUID() })
      ElMessage.success(t('zeroReports.done'))
      await loadMine()
      if (table.value) await loadTable()
    } finally {
      filing.value = false
    }
  }

  async function loadTable(): Promise<void> {
    if (unitId.value == null) return
    loadingTable.value = true
    try {
      table.value = await zeroApi.completeness(unitId.value, kind.value, day.value)
    } finally {
      loadingTable.value = false
    }
  }

  const missing = computed(() => table.value?.counts.missing ?? 0)

  async function remind(): Promise<void> {
    const tab = table.value
    if (!tab) return
    try {
      await ElMessageBox.confirm(t('zeroReports.remindConfirm', { n: missing.value }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    reminding.value = true
    try {
      const r = await zeroApi.remind(tab.unit.id, tab.period.kind, tab.period.start)
      ElMessage.success(t('zeroReports.reminded', { n: r.count }))
      await loadTable()
    } finally {
      reminding.value = false
    }
  }

  return {
    current,
    history,
    filing,
    loadingMine,
    loadMine,
    file,
    table,
    loadingTable,
    reminding,
    unitId,
    knownUnits,
    kind,
    day,
    missing,
    loadTable,
    remind,
  }
}
