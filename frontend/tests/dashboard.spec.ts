import { describe, expect, it } from 'vitest'
import { casesLink, monthBounds } from '@/console/views/home/useDashboard'
import { emptySearch, searchFromQuery } from '@/console/views/cases/useCases'
import { densityColor, densityScale, DENSITY_COLORS } from '@/console/views/screen/density'
import { fitCanvas } from '@/console/views/screen/useScreen'

describe('dashboard links', () => {
  it('bounds a month, February of a leap year included', () => {
    expect(monthBounds('2028-02')).toEqual(['2028-02-01', '2028-02-29'])
    expect(monthBounds('2026-12')).toEqual(['2026-12-01', '2026-12-31'])
  })

  it('opens the case list with the figure filters, which the list reads back', () => {
    const link = casesLink(7, '2026-11', 'completed', { category: '01' }) as { path: string; query: Record<string, string> }
    expect(link.path).toBe('/cases')
    const search = searchFromQuery(link.query, emptySearch(null))
    expect(search).toMatchObject({ under: 7, status: 'completed', category: '01', dates: ['2026-11-01', '2026-11-30'] })
  })

  it('ignores malformed filters in the address', () => {
    const search = searchFromQuery({ under: 'x', status: 'nope', since: '2026-1-1', until: '2026-01-31', supervision: '9' }, emptySearch(3))
    expect(search).toEqual(emptySearch(3))
  })
})

describe('big screen layout', () => {
  it('fits the 1920×1080 canvas to the window, centred', () => {
    expect(fitCanvas(1920, 1080)).toEqual({ scale: 1, left: 0, top: 0 })
    expect(fitCanvas(3840, 2160)).toEqual({ scale: 2, left: 0, top: 0 })
    const wide = fitCanvas(2560, 1080)
    expect(wide.scale).toBe(1)
    expect(wide.left).toBe(320)
  })

  it('colours a grid by its share of the busiest grid, a quiet month never red', () => {
    const quiet = densityScale([1, 0])
    expect(densityColor(1, quiet)).not.toBe(DENSITY_COLORS[4])
    const busy = densityScale([40, 2])
    expect(densityColor(40, busy)).toBe(DENSITY_COLORS[4])
    expect(densityColor(0, busy)).not.toBe(densityColor(2, busy))
  })
})
