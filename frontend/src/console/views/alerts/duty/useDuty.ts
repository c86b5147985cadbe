/** The roster page: one unit's shifts over a week (or any range), with the sensitive-period gaps. */
import { computed, ref, shallowRef } from 'vue'
import { dutyApi, type Gaps, type Roster, type Shift } from '@/api/duty'
import { unitsApi } from '@/api/units'
import { formatDate } from '@/shared/format'

export interface StaffOption {
  id: number
  full_name: string
}

/** A row of the roster table: a shift, or a day of a sensitive period without one. */
export interface RosterRow {
  key: string
  day: string
  shift: Shift | null
}

const DAY_MS = 24 * 3600 * 1000

/** Monday of the week holding `d` (local time). */
export function mondayOf(d: Date): Date {
  const out = new Date(d.getFullYear(), d.getMonth(), d.getDate())
  const shift = (out.getDay() + 6) % 7
  out.setDate(out.getDate() - shift)
  return out
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return formatDate(new Date(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime() + n * DAY_MS + 3600 * 1000))
}

/** Merge shifts and gap days into one list by day. */
export function rosterRows(roster: Roster | null): RosterRow[] {
  if (!roster) return []
  const rows: RosterRow[] = roster.shifts.map((s) => ({ key: `s${s.id}`, day: formatDate(s.starts_at), shift: s }))
  for (const day of roster.gap_days) rows.push({ key: `g${day}`, day, shift: null })
  return rows.sort((a, b) => (a.day === b.day ? (a.shift ? 1 : -1) : a.day < b.day ? -1 : 1))
}

export function useDuty(defaultUnit: () => number | null) {
  const unit = ref<number | null>(defaultUnit())
  const first = ref<string>(formatDate(mondayOf(new Date())))
  const last = ref<string>(addDays(first.value, 6))
  const roster = shallowRef<Roster | null>(null)
  const gaps = shallowRef<Gaps | null>(null)
  const staff = ref<StaffOption[]>([])
  const loading = ref(false)
  let generation = 0

  const rows = computed(() => rosterRows(roster.value))

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const [r, g] = await Promise.all([
        dutyApi.roster(unit.value, first.value, last.value),
        dutyApi.gaps(unit.value, first.value, last.value).catch(() => null),
      ])
      if (mine !== generation) return
      roster.value = r
      gaps.value = g
      if (r.can_edit) await loadStaff(r.unit.id)
    } catch {
      if (mine === generation) roster.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadStaff(unitId: number): Promise<void> {
    const page = await unitsApi.staff(unitId, { limit: 100, offset: 0 })
    staff.value = page.items.map((u) => ({ id: u.id, full_name: u.full_name }))
  }

  function moveWeek(weeks: number): void {
    first.value = addDays(first.value, 7 * weeks)
    last.value = addDays(first.value, 6)
    void load()
  }

  function thisWeek(): void {
    first.value = formatDate(mondayOf(new Date()))
    last.value = addDays(first.value, 6)
    void load()
  }

  return { unit, first, last, roster, gaps, staff, loading, rows, load, moveWeek, thisWeek }
}
