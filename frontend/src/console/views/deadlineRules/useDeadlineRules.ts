/** Deadline rules page: the rule table and the small edit dialog. */
import { saveForm } from '../../saveForm'
import { computed, reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { casesApi } from '@/api/cases'
import { dictionaryApi } from '@/api/dictionary'
import type { DeadlineMeasure, DeadlineRule } from '@/api/types'
import { t } from '@/shared/i18n'

export const MEASURES: readonly DeadlineMeasure[] = ['workdays', 'days', 'hours']

/** The largest amount the server accepts per measure (zongzhi/cases/services.py RULE_LIMITS). */
export const MEASURE_MAX: Readonly<Record<DeadlineMeasure, number>> = { workdays: 250, days: 365, hours: 720 }

const MEASURE_KEYS: Readonly<Record<DeadlineMeasure, string>> = {
  workdays: 'deadlineRules.measureWorkdays',
  days: 'deadlineRules.measureDays',
  hours: 'deadlineRules.measureHours',
}

export function measureLabel(m: DeadlineMeasure): string {
  return t(MEASURE_KEYS[m])
}

export function urgencyLabel(urgency: string): string {
  if (urgency === 'normal') return t('deadlineRules.urgencyNormal')
  if (urgency === 'urgent') return t('deadlineRules.urgencyUrgent')
  return urgency ? urgency : t('deadlineRules.all')
}

/** The category prefix as its event_category label (`01 <label>`), or the word for all when blank. */
export function categoryLabel(prefix: string, labels: ReadonlyMap<string, string>): string {
  if (!prefix) return t('deadlineRules.all')
  const label = labels.get(prefix)
  return label ? `${prefix} ${label}` : prefix
}

export interface RuleFormState {
  visible: boolean
  busy: boolean
  rule: DeadlineRule | null
  amount: number
  measure: DeadlineMeasure
  note: string
  errors: Record<string, string>
}

export function useDeadlineRules() {
  const rows = ref<DeadlineRule[]>([])
  const loading = ref(false)
  const categoryLabels = shallowRef<Map<string, string>>(new Map())
  const form = reactive<RuleFormState>({
    visible: false,
    busy: false,
    rule: null,
    amount: 1,
    measure: 'workdays',
    note: '',
    errors: {},
  })

  const categoryOf = (prefix: string): string => categoryLabel(prefix, categoryLabels.value)

  async function loadCategories(): Promise<void> {
    try {
      const items = await dictionaryApi.items('event_category', true)
      categoryLabels.value = new Map(items.map((i) => [i.code, i.label]))
    } catch {
      /* codes are shown without labels */
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      rows.value = await casesApi.deadlineRules()
    } finally {
      loading.value = false
    }
  }

  function open(rule: DeadlineRule): void {
    Object.assign(form, {
      visible: true,
      busy: false,
      rule,
      amount: rule.amount,
      measure: rule.measure,
      note: rule.note,
      errors: {},
    })
  }

  const maxAmount = computed(() => MEASURE_MAX[form.measure])

  async function submit(): Promise<void> {
    const rule = form.rule
    if (!rule) return
    await saveForm(form, async () => {
      const saved = await casesApi.updateDeadlineRule(
        rule.id,
        { amount: form.amount, measure: form.measure, note: form.note },
        { silent: true },
      )
      rows.value = rows.value.map((r) => (r.id === saved.id ? saved : r))
      form.visible = false
      ElMessage.success(t('deadlineRules.saved'))
    })
  }

  return { rows, loading, form, maxAmount, categoryOf, loadCategories, load, open, submit }
}
