import { describe, expect, it } from 'vitest'
import type { OfficeCalendar } from '@/api/officeLedgers'
import { columnShares, groupKinds, monthRange, parsePrintQuery, printQuery } from '@/console/views/office/ledgers/useLedgers'
import { monthGrid, shiftMonth } from '@/console/views/office/calendar/useMonthGrid'

describe('ledgers page helpers', () => {
  it('gives the month of a day as its first and last day', () => {
    expect(monthRange(new Date(2026, 1, 14))).toEqual(['2026-02-01', '2026-02-28'])
    expect(monthRange(new Date(2024, 1, 3))).toEqual(['2024-02-01', '2024-02-29'])
  })

  it('round-trips the print view query', () => {
    const single = { mode: 'single' as const, kind: 'activities', unit: 7, from: '2026-11-01', to: '2026-11-30' }
    expect(parsePrintQuery(printQuery(single) as Record<string, string>)).toEqual(single)
    const monthly = { mode: 'monthly' as const, unit: null, month: '2026-11' }
    expect(parsePrintQuery(printQuery(monthly) as Record<string, string>)).toEqual(monthly)
  })

  it('falls back to this month for a broken query', () => {
    const [from, to] = monthRange()
    expect(parsePrintQuery({ kind: 'meetings', from: 'x', to: '' })).toMatchObject({ from, to, unit: null })
  })

  it('groups kinds in order and shares widths', () => {
    const k = (key: string, group: string) => ({ key, group, title: key, periodic: true, note: '', columns: [] })
    expect(groupKinds([k('a', 'g1'), k('b', 'g2'), k('c', 'g1')]).map((g) => g.kinds.map((x) => x.key))).toEqual([['a', 'c'], ['b']])
    expect(columnShares([1, 3])).toEqual(['25.00%', '75.00%'])
  })
})

describe('office calendar grid', () => {
  it('starts weeks on Monday and places entries on their days', () => {
    const data = {
      days: [{ day: '2026-12-03', entries: [{ kind: 'meeting', title: 'm' }] }],
    } as unknown as OfficeCalendar
    const weeks = monthGrid('2026-12', data, new Date(2026, 11, 5))
    expect(weeks[0]![0]!.day).toBe('2026-11-30')
    expect(weeks[0]![0]!.inMonth).toBe(false)
    const all = weeks.flat()
    expect(all.find((d) => d.day === '2026-12-03')!.entries).toHaveLength(1)
    expect(all.find((d) => d.day === '2026-12-05')!.isToday).toBe(true)
    expect(all.filter((d) => d.inMonth)).toHaveLength(31)
    expect(all.length % 7).toBe(0)
  })

  it('shifts months across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
  })
})
