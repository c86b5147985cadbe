import { describe, expect, it } from 'vitest'
import type { CalendarDay } from '@/api/types'
import { MENU, filterMenu } from '@/console/layout/menu'
import { dayState, isoDate, parseIsoDate, yearOptions } from '@/console/views/calendar/useCalendar'

const day = (date: string, is_workday: boolean, name: string, source: CalendarDay['source'] = 'package'): CalendarDay => ({
  date,
  is_workday,
  name,
  source,
})

const entries = new Map(
  [
    day('2026-10-05', false, 'National Day'), // Monday holiday
    day('2026-10-10', true, 'National Day make-up'), // Saturday make-up workday
    day('2027-01-02', false, 'New Year', 'admin'), // Saturday pinned as a holiday
  ].map((d) => [d.date, d]),
)

describe('working-day calendar page', () => {
  it('reads a day the way the server counts it', () => {
    expect(dayState('2026-10-05', entries)).toMatchObject({ kind: 'holiday', isWorkday: false, name: 'National Day' })
    expect(dayState('2026-10-10', entries)).toMatchObject({ kind: 'makeup', isWorkday: true })
    expect(dayState('2026-10-11', entries)).toMatchObject({ kind: 'weekend', isWorkday: false, entry: null })
    expect(dayState('2026-10-12', entries)).toMatchObject({ kind: 'workday', isWorkday: true, entry: null })
    expect(dayState('2027-01-02', entries)).toMatchObject({ kind: 'holiday', isWorkday: false })
  })

  it('parses dates without a time-zone shift', () => {
    expect(isoDate(parseIsoDate('2026-10-01'))).toBe('2026-10-01')
    expect(parseIsoDate('2026-10-04').getDay()).toBe(0)
  })

  it('offers every known year up to next year, newest first', () => {
    expect(yearOptions([2025, 2026], 2026, 2026)).toEqual([2027, 2026, 2025])
    expect(yearOptions([], 2026, 2030)).toEqual([2030, 2029, 2028, 2027, 2026])
  })

  it('shows the calendar page to its administrators only', () => {
    const keys = (caps: string[]): string[] => filterMenu(MENU, caps).flatMap((i) => [i.key, ...(i.children ?? []).map((c) => c.key)])
    expect(keys(['calendar.manage'])).toContain('calendar')
    expect(keys(['records.read'])).not.toContain('calendar')
  })
})
