import { describe, expect, it } from 'vitest'
import type { CategorySpec, FieldSpec } from '@/api/types'
import {
  addDays,
  blankVisit,
  buildListingBody,
  buildVisitBody,
  defaultNextVisit,
  detailText,
  detailsBody,
  detailsFor,
  dueLabel,
  dueState,
  mergeDue,
  needsRiskLevel,
  sharePercent,
  sortByDue,
  suggestedEvery,
  validateDetails,
  validateListing,
  validateVisit,
  type ListingFields,
} from '@/shared/categories'
import { compareCounts, progressPercent, acceptedFile } from '@/console/views/imports/useImports'
import { buildExportBody, expiresText, validateExport } from '@/console/views/exports/useExports'
import { emptyCategorySearch, toCategoryFilter } from '@/console/views/categories/useCategories'

const field = (over: Partial<FieldSpec>): FieldSpec => ({
  name: 'x',
  label: 'X',
  kind: 'text',
  required: false,
  choices: [],
  max_length: 100,
  personal: false,
  ...over,
})

const MENTAL: CategorySpec = {
  group: 'key',
  code: '03',
  label: '严重精神障碍患者',
  visit_every_days: 30,
  risk_levels: { 0: 90, 1: 30, 2: 30, 3: 14, 4: 14, 5: 14 },
  fields: [
    field({ name: 'diagnosis', label: '诊断', required: true }),
    field({ name: 'guardian_name', label: '监护人姓名', required: true, max_length: 30 }),
    field({ name: 'guardian_phone', label: '监护人联系电话', max_length: 20, personal: true }),
    field({ name: 'treatment', label: '治疗情况', kind: 'choice', choices: ['门诊治疗', '住院治疗', '未治疗'] }),
    field({ name: 'in_care', label: '是否纳入监护', kind: 'bool' }),
  ],
}

const TODAY = new Date(2026, 5, 10)

describe('due and overdue', () => {
  it('labels overdue rows with the days past, and today and this week apart', () => {
    expect(dueState(-3)).toBe('overdue')
    expect(dueLabel(-3)).toBe('已超期3天')
    expect(dueLabel(0)).toBe('今天到期')
    expect(dueLabel(2)).toBe('还剩2天')
    expect(dueState(8)).toBe('later')
    expect(dueLabel(8)).toBe('')
  })

  it('sorts soonest first and merges the two groups without duplicates', () => {
    const row = (id: number, days_left: number, name = 'A') => ({ id, days_left, next_visit_on: addDays('2026-06-10', days_left), resident_name: name })
    expect(sortByDue([row(1, 3), row(2, -5), row(3, 0)]).map((r) => r.id)).toEqual([2, 3, 1])
    expect(mergeDue([row(1, 3), row(2, -1)], [row(3, -4), row(1, 3)]).map((r) => r.id)).toEqual([3, 2, 1])
  })

  it('adds calendar days across month ends', () => {
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02')
    expect(addDays('2026-12-25', 7)).toBe('2027-01-01')
    expect(addDays('bad', 1)).toBe('')
    expect(defaultNextVisit('2026-06-10', 14)).toBe('2026-06-24')
  })
})

describe('visit form', () => {
  it('defaults to today, a home visit and no next date', () => {
    expect(blankVisit(TODAY)).toMatchObject({ visited_on: '2026-06-10', method: 'home', next_visit_on: '' })
  })

  it('needs at least five characters of content, a past date after listing, and a later next visit', () => {
    const f = { ...blankVisit(TODAY), content: ' ok  ' }
    expect(validateVisit(f, { today: TODAY })).toEqual({ content: '请填写走访内容（至少5个字）' })
    const bad = { ...blankVisit(TODAY), visited_on: '2026-06-11', content: 'Family is well', next_visit_on: '2026-06-01' }
    expect(Object.keys(validateVisit(bad, { today: TODAY })).sort()).toEqual(['next_visit_on', 'visited_on'])
    const early = { ...blankVisit(TODAY), visited_on: '2026-05-01', content: 'Family is well' }
    expect(validateVisit(early, { today: TODAY, listedOn: '2026-05-10' })).toEqual({ visited_on: '走访日期不能早于列管日期' })
  })

  it('sends the trimmed content, no next date when left empty, and the client id', () => {
    const f = { ...blankVisit(TODAY), content: '  Family is well  ', companions: ' Li ' }
    expect(buildVisitBody(f, 'abc')).toEqual({
      visited_on: '2026-06-10',
      method: 'home',
      content: 'Family is well',
      next_visit_on: null,
      companions: 'Li',
      latitude: null,
      longitude: null,
      client_id: 'abc',
    })
  })
})

describe('category fields from the spec', () => {
  it('fills the form from stored details, yes/no as booleans and the rest as text', () => {
    expect(detailsFor(MENTAL.fields, { diagnosis: 'D', guardian_phone: '139****5678', in_care: true })).toEqual({
      diagnosis: 'D',
      guardian_name: '',
      guardian_phone: '139****5678',
      treatment: '',
      in_care: true,
    })
    expect(detailsFor([field({ name: 'n', kind: 'number' })], { n: 1200 })).toEqual({ n: '1200' })
  })

  it('checks required fields, choices, numbers and lengths, keyed as the server keys them', () => {
    const fields = [...MENTAL.fields, field({ name: 'amount', label: '金额', kind: 'number' }), field({ name: 'on', label: '日期', kind: 'date' })]
    const errors = validateDetails(fields, { diagnosis: ' ', guardian_name: 'x'.repeat(31), treatment: '其他', amount: 'abc', on: '2026/1/1', in_care: null })
    expect(errors).toEqual({
      'details.diagnosis': '请填写诊断',
      'details.guardian_name': '监护人姓名不能超过30个字',
      'details.treatment': '请选择治疗情况',
      'details.amount': '金额应为数字',
      'details.on': '日期的日期格式不正确',
    })
  })

  it('sends filled fields only, numbers as numbers', () => {
    const fields = [...MENTAL.fields, field({ name: 'amount', kind: 'number' })]
    expect(detailsBody(fields, { diagnosis: ' D ', guardian_name: '', guardian_phone: '139****5678', in_care: false, treatment: '', amount: '350.5' })).toEqual({
      diagnosis: 'D',
      guardian_phone: '139****5678',
      in_care: false,
      amount: 350.5,
    })
  })

  it('shows yes/no and a dash for an empty value', () => {
    expect(detailText({ kind: 'bool' }, true)).toBe('是')
    expect(detailText({ kind: 'bool' }, false)).toBe('否')
    expect(detailText({ kind: 'text' }, '')).toBe('—')
    expect(detailText({ kind: 'number' }, 12)).toBe('12')
  })
})

describe('listing form', () => {
  const listing = (over: Partial<ListingFields> = {}): ListingFields => ({
    group: 'key',
    category_code: '03',
    listed_on: '2026-06-01',
    risk_level: null,
    details: { diagnosis: 'D', guardian_name: 'G', guardian_phone: '', treatment: '', in_care: null },
    team: [],
    visit_every_days: 30,
    note: '',
    ...over,
  })

  it('asks for the risk level of 严重精神障碍患者 only', () => {
    expect(needsRiskLevel('key', '03')).toBe(true)
    expect(needsRiskLevel('care', '03')).toBe(false)
    expect(validateListing(listing(), MENTAL, TODAY)).toEqual({ risk_level: '严重精神障碍患者须选择风险等级' })
    expect(validateListing(listing({ risk_level: 2 }), MENTAL, TODAY)).toEqual({})
  })

  it('suggests the visit frequency from the risk level, else the default', () => {
    expect(suggestedEvery(MENTAL, 0)).toBe(90)
    expect(suggestedEvery(MENTAL, 4)).toBe(14)
    expect(suggestedEvery(MENTAL, null)).toBe(30)
    expect(suggestedEvery({ visit_every_days: 7, risk_levels: {} }, 3)).toBe(7)
    expect(suggestedEvery(undefined, null)).toBeNull()
  })

  it('builds the body: team rows without a name dropped, risk only where it applies', () => {
    const body = buildListingBody(
      listing({ risk_level: 3, team: [{ name: ' Zhang ', role: ' cadre ' }, { name: '', role: '' }], note: ' n ' }),
      MENTAL,
    )
    expect(body).toEqual({
      group: 'key',
      category_code: '03',
      listed_on: '2026-06-01',
      risk_level: 3,
      details: { diagnosis: 'D', guardian_name: 'G' },
      team: [{ name: 'Zhang', role: 'cadre' }],
      visit_every_days: 30,
      note: 'n',
    })
    expect(buildListingBody(listing({ group: 'care', category_code: '01', risk_level: 2 }), undefined).risk_level).toBeNull()
  })

  it('flags a team row with a role but no name', () => {
    expect(validateListing(listing({ risk_level: 1, team: [{ name: '', role: 'police' }] }), MENTAL, TODAY)).toEqual({ 'team.0.name': '请填写帮扶人员姓名' })
  })
})

describe('list filters and statistics', () => {
  it('sends a due filter as one long page without cursor or retired rows', () => {
    const s = { ...emptyCategorySearch(5), due: 'overdue' as const, includeRetired: true, q: ' Wang ' }
    expect(toCategoryFilter('key', s, 99)).toEqual({
      group: 'key',
      category: undefined,
      under: 5,
      due: 'overdue',
      q: 'Wang',
      include_retired: undefined,
      cursor: undefined,
      limit: 200,
    })
    expect(toCategoryFilter('care', { ...emptyCategorySearch(null), category: '01' }, 40)).toMatchObject({ group: 'care', category: '01', cursor: 40, limit: 20 })
  })

  it('shows the on-time share as a percentage', () => {
    expect(sharePercent(1)).toBe('100%')
    expect(sharePercent(0.875)).toBe('87.5%')
    expect(sharePercent(2 / 3)).toBe('66.7%')
    expect(sharePercent(null)).toBeNull()
  })
})

describe('imports and exports', () => {
  it('reads the job progress and the comparison counts', () => {
    expect(progressPercent({ status: 'running', processed_rows: 50, total_rows: 200 })).toBe(25)
    expect(progressPercent({ status: 'queued', processed_rows: 0, total_rows: 0 })).toBe(0)
    expect(progressPercent({ status: 'done', processed_rows: 0, total_rows: 0 })).toBe(100)
    expect(compareCounts({ new: 3, changed: 1, new_invalid: 2, elsewhere: 4 })).toEqual({ new: 3, newInvalid: 2, changed: 1, missing: 0, elsewhere: 4 })
    expect(acceptedFile('people.XLSX')).toBe(true)
    expect(acceptedFile('people.xls')).toBe(false)
  })

  it('checks and builds an export request', () => {
    const f = { kind: 'key_persons' as const, unit_id: null, resident_kind: 'floating' as const, full_id_numbers: true, reason: ' ' }
    expect(Object.keys(validateExport(f)).sort()).toEqual(['reason', 'unit_id'])
    expect(buildExportBody({ ...f, unit_id: 4, reason: ' census ' })).toEqual({
      kind: 'key_persons',
      unit_id: 4,
      resident_kind: '',
      full_id_numbers: true,
      reason: 'census',
    })
  })

  it('counts down to the expiry of an approved file', () => {
    const now = new Date('2026-06-10T08:00:00Z')
    expect(expiresText('2026-06-10T10:30:00Z', now)).toBe('2小时30分后失效')
    expect(expiresText('2026-06-10T08:20:00Z', now)).toBe('20分钟后失效')
    expect(expiresText('2026-06-10T07:00:00Z', now)).toBe('已失效')
    expect(expiresText(null, now)).toBe('')
  })
})
