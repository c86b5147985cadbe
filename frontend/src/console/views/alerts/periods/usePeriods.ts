/** The sensitive-periods page: the periods set for the chosen unit, under it or above it, and
 * the form to add, edit (before the start; afterwards only the end and note) or cancel one. */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { periodsApi, type SensitivePeriodOut } from '@/api/zeroReports'
import type { UnitBrief } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../../saveForm'

export type PeriodState = 'active' | 'upcoming' | 'ended' | 'cancelled'

export function periodState(p: SensitivePeriodOut, today: string): PeriodState {
  if (p.is_cancelled) return 'cancelled'
  if (p.is_active) return 'active'
  return p.starts_on > today ? 'upcoming' : 'ended'
}

export interface PeriodFormState {
  visible: boolean
  busy: boolean
  period: SensitivePeriodOut | null
  unitId: number | null
  known: UnitBrief[]
  name: string
  dates: [string, string] | null
  note: string
  errors: Record<string, string>
}

export function usePeriods() {
  const rows = shallowRef<SensitivePeriodOut[]>([])
  const loading = ref(false)
  const unitId = ref<number | null>(null)
  const known = shallowRef<UnitBrief[]>([])
  const showCancelled = ref(false)
  const form = reactive<PeriodFormState>({
    visible: false,
    busy: false,
    period: null,
    unitId: null,
    known: [],
    name: '',
    dates: null,
    note: '',
    errors: {},
  })

  async function load(): Promise<void> {
    if (unitId.value == null) return
    loading.value = true
    try {
      rows.value = await periodsApi.list(unitId.value, showCancelled.value)
    } finally {
      loading.value = false
    }
  }

  function openNew(): void {
    Object.assign(form, {
      visible: true,
      busy: false,
      period: null,
      unitId: unitId.value,
      known: known.value,
      name: '',
      dates: null,
      note: '',
      errors: {},
    })
  }

  function openEdit(p: SensitivePeriodOut): void {
    Object.assign(form, {
      visible: true,
      busy: false,
      period: p,
      unitId: p.unit.id,
      known: [p.unit],
      name: p.name,
      dates: [p.starts_on, p.ends_on],
      note: p.note,
      errors: {},
    })
  }

  async function submit(): Promise<void> {
    const [starts_on, ends_on] = form.dates ?? ['', '']
    if (!starts_on) {
      form.errors = { starts_on: t('common.required') }
      return
    }
    await saveForm(form, async () => {
      if (form.period) {
        await periodsApi.update(form.period.id, { name: form.name, starts_on, ends_on, note: form.note }, { silent: true })
      } else {
        await periodsApi.create({ unit_id: form.unitId ?? 0, name: form.name, starts_on, ends_on, note: form.note }, { silent: true })
      }
      form.visible = false
      ElMessage.success(t('sensitivePeriods.saved'))
      await load()
    })
  }

  async function cancel(p: SensitivePeriodOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('sensitivePeriods.cancelConfirm', { name: p.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await periodsApi.cancel(p.id)
    ElMessage.success(t('sensitivePeriods.cancelled'))
    await load()
  }

  return { rows, loading, unitId, known, showCancelled, form, load, openNew, openEdit, submit, cancel }
}
