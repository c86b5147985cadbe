/** Working-day calendar page: one year's holidays and make-up workdays, editing single days. */
import { saveForm } from '../../saveForm'
import { computed, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { calendarApi } from '@/api/calendar'
import type { CalendarDay, CalendarStatus, CalendarYear } from '@/api/types'
import { t } from '@/shared/i18n'

/** How a day counts: a holiday or make-up workday from the table, or the plain weekday rule. */
export type DayKind = 'holiday' | 'makeup' | 'weekend' | 'workday'

export interface DayState {
  date: string
  kind: DayKind
  isWorkday: boolean
  name: string
  /** The table row, when the day is an exception (or pinned by an administrator). */
  entry: CalendarDay | null
}

/** `YYYY-MM-DD` → local Date at midnight (no time-zone shift, unlike `new Date(iso)`). */
export function parseIsoDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number)
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}

export function isoDate(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function weekdayLabel(iso: string): string {
  return t(`calendar.weekday${parseIsoDate(iso).getDay()}`)
}

/** What a day is, from the year's table rows (the same rule the server's calendar applies). */
export function dayState(iso: string, entries: ReadonlyMap<string, CalendarDay>): DayState {
  const entry = entries.get(iso) ?? null
  const weekend = [0, 6].includes(parseIsoDate(iso).getDay())
  const isWorkday = entry ? entry.is_workday : !weekend
  let kind: DayKind
  if (isWorkday) kind = weekend ? 'makeup' : 'workday'
  else kind = weekend && !entry ? 'weekend' : 'holiday'
  return { date: iso, kind, isWorkday, name: entry?.name ?? '', entry }
}

export function dayStateLabel(s: DayState): string {
  switch (s.kind) {
    case 'holiday':
      return s.name ? t('calendar.stateHoliday', { name: s.name }) : t('calendar.legendHoliday')
    case 'makeup':
      return s.name ? t('calendar.stateMakeup', { name: s.name }) : t('calendar.legendMakeup')
    case 'weekend':
      return t('calendar.stateWeekend')
    default:
      return t('calendar.stateWorkday')
  }
}

/** The years offered in the selector: every known year up to next year, and the one shown. */
export function yearOptions(known: readonly number[], current: number, shown: number): number[] {
  const first = Math.min(current, shown, ...known)
  const last = Math.max(current + 1, shown)
  const out: number[] = []
  for (let y = last; y >= first; y--) out.push(y)
  return out
}

export interface DayFormState {
  visible: boolean
  busy: boolean
  date: string
  isWorkday: boolean
  name: string
  current: DayState | null
  errors: Record<string, string>
}

export function useCalendar(initialYear?: number) {
  const thisYear = new Date().getFullYear()
  const year = ref(initialYear ?? thisYear)
  const month = ref(new Date(year.value, initialYear && initialYear !== thisYear ? 0 : new Date().getMonth(), 1))
  const data = ref<CalendarYear | null>(null)
  const status = ref<CalendarStatus | null>(null)
  const loading = ref(false)

  const entries = computed(() => new Map((data.value?.days ?? []).map((d) => [d.date, d])))
  const years = computed(() => yearOptions(status.value?.known_years ?? [], thisYear, year.value))

  async function loadYear(): Promise<void> {
    loading.value = true
    try {
      data.value = await calendarApi.year(year.value)
    } finally {
      loading.value = false
    }
  }

  async function loadStatus(): Promise<void> {
    try {
      status.value = await calendarApi.status({ silent: true })
    } catch {
      status.value = null
    }
  }

  async function reload(): Promise<void> {
    await Promise.all([loadYear(), loadStatus()])
  }

  /** The year selector: show January of a past or future year, this month of this year. */
  async function selectYear(y: number): Promise<void> {
    year.value = y
    month.value = new Date(y, y === thisYear ? new Date().getMonth() : 0, 1)
    await loadYear()
  }

  /** The calendar's own month navigation may cross into another year. */
  async function onMonth(d: Date): Promise<void> {
    month.value = d
    if (d.getFullYear() !== year.value) {
      year.value = d.getFullYear()
      await loadYear()
    }
  }

  const state = (iso: string): DayState => dayState(iso, entries.value)

  const form = reactive<DayFormState>({
    visible: false,
    busy: false,
    date: '',
    isWorkday: false,
    name: '',
    current: null,
    errors: {},
  })

  function openDay(iso: string): void {
    const s = state(iso)
    form.date = iso
    form.current = s
    // Offer the opposite of what the day is now: that is what an administrator usually wants.
    form.isWorkday = !s.isWorkday
    form.name = s.entry?.source === 'admin' ? s.name : ''
    form.errors = {}
    form.visible = true
  }

  async function submitDay(): Promise<void> {
    await saveForm(form, async () => {
      await calendarApi.setDay(form.date, { is_workday: form.isWorkday, name: form.name.trim() }, { silent: true })
      ElMessage.success(t('common.saved'))
      form.visible = false
      await reload()
    })
  }

  async function clearDay(): Promise<void> {
    try {
      await ElMessageBox.confirm(t('calendar.clearConfirm', { date: form.date }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await calendarApi.clearDay(form.date)
    ElMessage.success(t('calendar.cleared'))
    form.visible = false
    await reload()
  }

  async function completeYear(): Promise<void> {
    try {
      await ElMessageBox.confirm(t('calendar.completeConfirm', { year: year.value }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await calendarApi.completeYear(year.value)
    ElMessage.success(t('calendar.completed'))
    await reload()
  }

  return {
    year,
    month,
    years,
    data,
    status,
    loading,
    entries,
    state,
    reload,
    loadYear,
    selectYear,
    onMonth,
    form,
    openDay,
    submitDay,
    clearDay,
    completeYear,
  }
}
