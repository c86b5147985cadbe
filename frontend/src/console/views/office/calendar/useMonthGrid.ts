/** The office calendar's month grid: weeks from Monday, each day with its entries. */
import type { CalendarEntry, OfficeCalendar } from '@/api/officeLedgers'

export interface GridDay {
  day: string
  date: number
  inMonth: boolean
  isToday: boolean
  entries: CalendarEntry[]
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

function iso(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** `YYYY-MM` shifted by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const d = new Date(y, m - 1 + delta, 1)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}

/** The weeks (Monday first) covering `month`, with the calendar's entries placed on their days. */
export function monthGrid(month: string, data: OfficeCalendar | null, today: Date = new Date()): GridDay[][] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const first = new Date(y, m - 1, 1)
  const offset = (first.getDay() + 6) % 7
  const start = new Date(y, m - 1, 1 - offset)
  const byDay = new Map<string, CalendarEntry[]>()
  for (const d of data?.days ?? []) byDay.set(d.day, d.entries)
  const todayIso = iso(today)
  const weeks: GridDay[][] = []
  const cursor = new Date(start)
  do {
    const week: GridDay[] = []
    for (let i = 0; i < 7; i++) {
      const day = iso(cursor)
      week.push({
        day,
        date: cursor.getDate(),
        inMonth: cursor.getMonth() === m - 1,
        isToday: day === todayIso,
        entries: byDay.get(day) ?? [],
      })
      cursor.setDate(cursor.getDate() + 1)
    }
    weeks.push(week)
  } while (cursor.getMonth() === m - 1)
  return weeks
}

/** The tag colour of an entry's kind. */
export function entryType(kind: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (kind) {
    case 'meeting':
      return 'primary'
    case 'activity':
      return 'success'
    case 'dispute_due':
      return 'danger'
    case 'risk':
      return 'info'
    default:
      return 'warning'
  }
}
