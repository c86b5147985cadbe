import { describe, expect, it } from 'vitest'
import { MENU, filterMenu, menuLabelKey, type MenuItem } from '@/console/layout/menu'
import { hasAny } from '@/shared/capabilities'

const keys = (items: MenuItem[]): string[] => items.flatMap((i) => [i.key, ...(i.children ? keys(i.children) : [])])

describe('capability menu filter', () => {
  it('shows only the open areas to a user without capabilities', () => {
    const k = keys(filterMenu(MENU, []))
    expect(k).toEqual(['home', 'units'])
  })

  it('shows the coming-soon areas (disabled) with records.read', () => {
    const items = filterMenu(MENU, ['records.read'])
    const exchange = items.find((i) => i.key === 'exchange')
    expect(exchange?.soon).toBe(true)
    expect(exchange?.path).toBeUndefined()
    expect(keys(items)).not.toContain('system')
  })

  it('opens the assess group: red light and scores to readers, hand scoring to assessors, the rubric to configurers', () => {
    const children = (caps: string[]): (string | undefined)[] =>
      filterMenu(MENU, caps).find((i) => i.key === 'assess')?.children?.map((c) => c.path) ?? []
    expect(filterMenu(MENU, ['records.read']).find((i) => i.key === 'assess')?.soon).toBeUndefined()
    expect(children(['records.read'])).toEqual(['/assess/logins', '/assess/scores', '/assess/bulletins'])
    expect(children(['assess.score'])).toEqual(['/assess/hand', '/assess/rubrics'])
    expect(children(['assess.configure'])).toEqual(['/assess/rubrics'])
  })

  it('opens the alerts group: reports, warnings and zero reports to reporters, roster, network and statistics to readers, settings to configurers', () => {
    const children = (caps: string[]): (string | undefined)[] =>
      filterMenu(MENU, caps).find((i) => i.key === 'alerts')?.children?.map((c) => c.path) ?? []
    expect(filterMenu(MENU, ['records.read']).find((i) => i.key === 'alerts')?.soon).toBeUndefined()
    expect(children(['records.read'])).toEqual(['/alerts/duty', '/alerts/informants', '/alerts/stats'])
    expect(children(['alerts.report'])).toEqual(['/alerts/reports', '/alerts/warnings', '/alerts/zero'])
    expect(children(['alerts.configure'])).toEqual(['/alerts/periods', '/alerts/report-limits', '/alerts/warnings/settings'])
    expect(children(['alerts.screen'])).toEqual(['/alerts/reports', '/alerts/zero', '/alerts/stats', '/alerts/report-lapses'])
    const reporter = filterMenu(MENU, ['alerts.report']).find((i) => i.key === 'alerts')
    expect(reporter?.children?.map(menuLabelKey)[0]).toEqual('alerts.menu.reports')
  })

  it('opens the office group to readers, its rules to configurers', () => {
    const children = (caps: string[]): (string | undefined)[] =>
      filterMenu(MENU, caps).find((i) => i.key === 'office')?.children?.map((c) => c.path) ?? []
    expect(filterMenu(MENU, ['records.read']).find((i) => i.key === 'office')?.soon).toBeUndefined()
    expect(children(['records.read'])).toContain('/office/meetings')
    expect(children(['records.read'])).not.toContain('/office/rules')
    expect(children(['office.configure'])).toEqual(['/office/rules'])
    expect(children(['office.send'])).toEqual(['/office/documents'])
  })

  it('opens the places and organisations pages with records.read', () => {
    const items = filterMenu(MENU, ['records.read'])
    expect(items.find((i) => i.key === 'places')?.children?.map((c) => c.path)).toEqual([
      '/places/compounds',
      '/places/houses',
      '/places/key-places',
      '/places/facilities',
    ])
    expect(items.find((i) => i.key === 'orgs')?.children?.map((c) => c.path)).toEqual(['/places/organisations'])
  })

  it('opens the resident list under the people group with records.read', () => {
    const people = filterMenu(MENU, ['records.read']).find((i) => i.key === 'people')
    expect(people?.soon).toBeUndefined()
    expect(people?.children?.map((c) => [c.key, c.path])).toEqual([
      ['residents', '/people/residents'],
      ['imports', '/people/imports'],
      ['exports', '/people/exports'],
    ])
    expect(keys(filterMenu(MENU, ['cases.handle']))).not.toContain('people')
  })

  it('opens key persons, care recipients and the visit statistics with records.sensitive', () => {
    const people = filterMenu(MENU, ['records.read', 'records.sensitive']).find((i) => i.key === 'people')
    expect(people?.children?.map((c) => c.key)).toEqual(['residents', 'keyPersons', 'carePersons', 'serviceStats', 'imports', 'exports'])
  })

  it('shows the system group with only the children the user may open', () => {
    const items = filterMenu(MENU, ['sessions.manage'])
    const system = items.find((i) => i.key === 'system')
    expect(system?.children?.map((c) => c.key)).toEqual(['sessions'])
  })

  it('opens the user page with roles.assign alone', () => {
    expect(keys(filterMenu(MENU, ['roles.assign']))).toContain('users')
  })

  it('shows the audit log to auditors only', () => {
    expect(keys(filterMenu(MENU, ['audit.read']))).toContain('audit')
    expect(keys(filterMenu(MENU, ['users.manage']))).not.toContain('audit')
  })

  it('shows every area to a user holding every capability', () => {
    const all = [
      'units.manage',
      'users.manage',
      'roles.manage',
      'roles.assign',
      'sessions.manage',
      'dictionary.manage',
      'audit.read',
      'audit.export',
      'records.read',
    ]
    const k = keys(filterMenu(MENU, all))
    for (const key of ['home', 'units', 'people', 'exchange', 'system', 'users', 'roles', 'sessions', 'dictionary', 'audit']) {
      expect(k).toContain(key)
    }
  })

  it('hasAny treats no requirement as open', () => {
    expect(hasAny([], undefined)).toBe(true)
    expect(hasAny([], [])).toBe(true)
    expect(hasAny(['a'], ['b', 'a'])).toBe(true)
    expect(hasAny(['a'], ['b'])).toBe(false)
  })
})
