import { describe, expect, it } from 'vitest'
import { RESOLVED_TARGET, currentMonth, hoursDisplay, percent, rowShare, shareDisplay } from '@/shared/caseStats'
import { categoryLabel, urgencyLabel } from '@/console/views/deadlineRules/useDeadlineRules'
import { MENU, filterMenu, type MenuItem } from '@/console/layout/menu'

const keys = (items: MenuItem[]): string[] => items.flatMap((i) => [i.key, ...(i.children ? keys(i.children) : [])])

describe('dispute resolution share', () => {
  it('requires 95 %', () => {
    expect(RESOLVED_TARGET).toBe(0.95)
  })

  it('formats percentages with at most one decimal', () => {
    expect(percent(0.95)).toBe('95')
    expect(percent(0.9667)).toBe('96.7')
    expect(percent(1)).toBe('100')
    expect(percent(0)).toBe('0')
  })

  it('marks the target itself and above green', () => {
    expect(shareDisplay(0.95)).toMatchObject({ text: '95%', mark: 'ok', tagType: 'success', label: '达标' })
    expect(shareDisplay(1)).toMatchObject({ text: '100%', mark: 'ok' })
  })

  it('marks below the target red', () => {
    expect(shareDisplay(0.9499)).toMatchObject({ text: '95%', mark: 'below', tagType: 'danger', label: '未达标' })
    expect(shareDisplay(0.5)).toMatchObject({ text: '50%', mark: 'below' })
    expect(shareDisplay(0)).toMatchObject({ mark: 'below' })
  })

  it('shows a dash without a mark when there were no disputes', () => {
    expect(shareDisplay(null)).toMatchObject({ text: '—', mark: 'none', tagType: 'info', label: '本月无矛盾纠纷' })
    expect(shareDisplay(undefined).mark).toBe('none')
  })

  it('takes another target', () => {
    expect(shareDisplay(0.9, 0.8).mark).toBe('ok')
  })
})

describe('other stat helpers', () => {
  it('shows handling hours and days beyond a day', () => {
    expect(hoursDisplay(null)).toEqual({ text: '—', hint: '' })
    expect(hoursDisplay(5.5)).toEqual({ text: '5.5 小时', hint: '' })
    expect(hoursDisplay(36)).toEqual({ text: '36 小时', hint: '约 1.5 天' })
  })

  it('gives this month as YYYY-MM', () => {
    expect(currentMonth(new Date(2026, 0, 31))).toBe('2026-01')
    expect(currentMonth(new Date(2026, 10, 1))).toBe('2026-11')
  })

  it('gives a row share of the table total', () => {
    expect(rowShare(1, 4)).toBe('25%')
    expect(rowShare(0, 0)).toBe('')
  })
})

describe('deadline rule labels', () => {
  it('labels urgency and category prefixes', () => {
    expect(urgencyLabel('')).toBe('全部')
    expect(urgencyLabel('normal')).toBe('一般')
    expect(urgencyLabel('urgent')).toBe('紧急')
    const labels = new Map([['01', '矛盾纠纷']])
    expect(categoryLabel('', labels)).toBe('全部')
    expect(categoryLabel('01', labels)).toBe('01 矛盾纠纷')
    expect(categoryLabel('09', labels)).toBe('09')
  })
})

describe('menu', () => {
  it('shows the monthly statistics to case workers and the rules to cases.configure', () => {
    expect(keys(filterMenu(MENU, ['cases.handle']))).toContain('casesStats')
    expect(keys(filterMenu(MENU, ['records.read']))).toContain('casesStats')
    expect(keys(filterMenu(MENU, ['cases.handle']))).not.toContain('deadlineRules')
    expect(keys(filterMenu(MENU, ['cases.configure']))).toContain('deadlineRules')
  })
})
