import { describe, expect, it } from 'vitest'
import type { HistoryEntry, OccupantOut, PlaceOut } from '@/api/types'
import {
  buildMemberBody,
  buildOccupantBody,
  buildPlaceBody,
  editableFields,
  extraText,
  fieldLabel,
  inspectionCalendar,
  mapSummary,
  memberKind,
  placeFieldsFrom,
  placeHistoryLines,
  splitOccupants,
  validateMember,
  validateOccupant,
  validatePlace,
  type MemberFields,
} from '@/shared/places'
import { emptySearch, toFilter, toListFilter } from '@/console/views/places/usePlaces'
import { mapUnitOf } from '@/console/views/places/usePlaceForm'

const HOUSE_FIELDS = ['compound', 'use', 'area', 'owner', 'owner_name', 'rental_registered_on']

function house(over: Partial<PlaceOut> = {}): PlaceOut {
  return {
    id: 3,
    kind: 'houses',
    name: 'No. 8',
    address: 'Road 8',
    path: '320111003001001',
    unit_name: 'G1',
    latitude: 32.1,
    longitude: 118.6,
    note: '',
    category_label: 'rental',
    contact_phone_mask: '',
    extra: { compound: { id: 9, name: 'Garden' }, use: 'rental', area: 88.5, owner: null, owner_name: 'Li', rental_registered_on: null },
    is_retired: false,
    retired_reason: '',
    missing_inspection: null,
    place: [
      { id: 4, code: '320111003001', name: 'V1', level: 'village', path: '320111003001' },
      { id: 7, code: '320111003001001', name: 'G1', level: 'grid', path: '320111003001001' },
    ],
    occupants: [],
    inspections: [],
    members: [],
    history: [],
    can_edit: true,
    write_mode: 'own',
    can_unmask: false,
    ...over,
  }
}

function occupant(over: Partial<OccupantOut> = {}): OccupantOut {
  return { id: 1, resident_id: 11, name: 'Zhang', id_number_mask: '3201**********1234', relation: 'owner', relation_label: 'owner', since: null, until: null, ...over }
}

describe('place forms from the spec', () => {
  it('picks the compound and owner, types the rest, and sends the picked records by id', () => {
    expect(editableFields(HOUSE_FIELDS)).toEqual(['use', 'area', 'owner_name', 'rental_registered_on'])
    const stored = house()
    const f = placeFieldsFrom(HOUSE_FIELDS, stored)
    expect(f.extra).toEqual({ use: 'rental', area: '88.5', owner_name: 'Li', rental_registered_on: '' })
    expect(f.refs).toEqual({ compound: { id: 9, name: 'Garden' }, owner: null })
    // the place's lowest unit is the form's unit; the position is kept
    expect([f.unit_id, f.latitude, f.longitude]).toEqual([7, 32.1, 118.6])
    f.extra.area = '90'
    f.refs.owner = { id: 21, name: 'Wang' }
    f.refs.compound = null
    f.latitude = 32.2
    const body = buildPlaceBody(f, HOUSE_FIELDS)
    expect(body.extra).toEqual({ compound: null, use: 'rental', area: 90, owner: 21, owner_name: 'Li', rental_registered_on: null })
    expect(body).toMatchObject({ unit_id: 7, latitude: 32.2, longitude: 118.6 })
  })

  it('a new house starts self-occupied, with nothing picked', () => {
    const f = placeFieldsFrom(HOUSE_FIELDS, null)
    expect(f.extra.use).toBe('self')
    expect(f.refs).toEqual({ compound: null, owner: null })
    expect([f.unit_id, f.latitude, f.longitude]).toEqual([null, null, null])
  })

  it('checks names, units or positions, categories, numbers, owners and new phones, keyed as the server keys them', () => {
    const fields = ['kind_code', 'employees']
    const f = placeFieldsFrom(fields, house({ kind: 'key-places', place: [], contact_phone_mask: '139****5678', extra: { kind_code: '', employees: null } }))
    expect(f.contact_phone).toBe('139****5678')
    f.name = ' '
    f.latitude = null
    f.longitude = null
    f.extra.employees = '2.5'
    expect(Object.keys(validatePlace(f, fields, true, '139****5678')).sort()).toEqual(['employees', 'kind_code', 'name', 'unit_id'])
    // a position is enough to register a new place: the server places it in its grid
    f.latitude = 32.1
    f.longitude = 118.6
    expect(validatePlace(f, fields, true, '139****5678').unit_id).toBeUndefined()
    // the mask sent back means "unchanged"; a new number is checked
    f.contact_phone = '12345'
    expect(validatePlace(f, fields, false, '139****5678').contact_phone).toBeTruthy()
    f.contact_phone = '025-83001234'
    expect(validatePlace(f, fields, false, '139****5678').contact_phone).toBeUndefined()
    // a house needs an owner picked or a name typed
    const h = placeFieldsFrom(HOUSE_FIELDS, house({ extra: { use: 'self', owner: null, owner_name: '' } }))
    expect(validatePlace(h, HOUSE_FIELDS, false).owner).toBe('请选择房主或填写房主姓名')
    h.extra.owner_name = 'Li'
    expect(validatePlace(h, HOUSE_FIELDS, false).owner).toBeUndefined()
  })

  it('shows referenced records by name, house uses in words, and a kind its own labels', () => {
    expect(extraText('compound', { id: 9, name: 'Garden' })).toBe('Garden')
    expect(extraText('use', 'rental')).toBe('出租')
    expect(extraText('area', null)).toBe('—')
    expect(fieldLabel('legal_person', 'organisations')).toBe('负责人')
    expect(fieldLabel('legal_person', 'key-places')).toBe('法定代表人')
    expect(fieldLabel('contact_phone', 'key-places')).toBe('负责人电话')
    expect(fieldLabel('unknown_field')).toBe('unknown_field')
  })
})

describe('list and map filters', () => {
  it('sends only the filters the kind has', () => {
    const s = { ...emptySearch(5), q: ' gas ', category: '99', use: 'rental', missing: true, includeRetired: true }
    expect(toFilter('houses', s)).toEqual({ q: 'gas', category: undefined, under: 5, use: 'rental', missing: undefined, include_retired: true })
    const spec = { kind: 'facilities' as const, label: 'f', fields: [], code_table: 'facility_kind', sealed_phone: false }
    expect(toFilter('facilities', s, spec)).toMatchObject({ category: '99', use: undefined, missing: true })
    expect(toListFilter('facilities', emptySearch(null), spec, 40)).toEqual({
      q: undefined,
      category: undefined,
      under: undefined,
      use: undefined,
      missing: undefined,
      include_retired: undefined,
      cursor: 40,
      limit: 20,
    })
  })

  it('says how many places the map shows, and when there are more', () => {
    expect(mapSummary({ items: [], total: 12, capped: false })).toBe('地图上共 12 处')
    const items = new Array(2).fill(null)
    expect(mapSummary({ items, total: 2300, capped: true })).toBe('符合条件的有 2300 处，地图只显示最新登记的 2 处；请缩小查询范围')
  })

  it('draws a grid with its neighbours: the map of its village', () => {
    expect(mapUnitOf({ id: 7, level: 'grid', parent_id: 4 })).toBe(4)
    expect(mapUnitOf({ id: 4, level: 'village', parent_id: 3 })).toBe(4)
    expect(mapUnitOf({ id: 7, level: 'grid' })).toBe(7)
    expect(mapUnitOf(null)).toBeNull()
  })
})

describe('occupants', () => {
  it('splits who lives there now from who moved out (latest first)', () => {
    const list = [occupant({ id: 1 }), occupant({ id: 2, until: '2026-01-05' }), occupant({ id: 3, until: '2026-03-01' })]
    const { current, past } = splitOccupants(list)
    expect(current.map((o) => o.id)).toEqual([1])
    expect(past.map((o) => o.id)).toEqual([3, 2])
  })

  it('needs a resident not listed yet, and no date after today', () => {
    const today = '2026-06-01'
    expect(validateOccupant({ resident: null, relation: 'tenant', since: '' }, today)).toEqual({ resident_id: '请选择人员' })
    const listed = [occupant({ resident_id: 11 })]
    expect(validateOccupant({ resident: { id: 11, name: 'Zhang' }, relation: 'tenant', since: '2026-06-02' }, today, listed)).toEqual({
      resident_id: '该人员已登记在此房屋',
      since: '日期不能晚于今天',
    })
    expect(buildOccupantBody({ resident: { id: 12, name: 'Li' }, relation: 'tenant', since: '' })).toEqual({ resident_id: 12, relation: 'tenant', since: null })
  })
})

describe('inspections month by month', () => {
  it('reads oldest to newest, marks past months without an inspection and this month still due', () => {
    const months = [
      { month: '2026-02', count: 0 },
      { month: '2026-01', count: 2 },
      { month: '2025-12', count: 0 },
      { month: '2025-11', count: 1 },
    ]
    const cells = inspectionCalendar(months, '2026-02')
    expect(cells.map((c) => [c.month, c.state, c.label])).toEqual([
      ['2025-11', 'done', '2025年11月'],
      ['2025-12', 'missing', '12月'],
      ['2026-01', 'done', '2026年1月'],
      ['2026-02', 'due', '2月'],
    ])
    expect(inspectionCalendar([{ month: '2026-02', count: 1 }], '2026-02')[0]?.state).toBe('done')
  })
})

describe('members', () => {
  const blank: MemberFields = { kind: 'resident', resident: null, user: null, name: '', role: '' }

  it('is a resident, a user or a name', () => {
    expect(memberKind({ resident_id: 3, user_id: null })).toBe('resident')
    expect(memberKind({ resident_id: null, user_id: 8 })).toBe('user')
    expect(memberKind({ resident_id: null, user_id: null })).toBe('name')
  })

  it('needs the chosen kind filled in and sends only that', () => {
    expect(validateMember(blank)).toEqual({ resident_id: '请选择人员' })
    expect(validateMember({ ...blank, kind: 'user' })).toEqual({ user_id: '请选择用户' })
    expect(validateMember({ ...blank, kind: 'name', role: 'x'.repeat(31) })).toEqual({ name: '请填写姓名', role: '不能超过30个字' })
    const f: MemberFields = { kind: 'user', resident: { id: 3, name: 'R' }, user: { id: 8, name: 'U' }, name: 'typed', role: ' captain ' }
    expect(buildMemberBody(f)).toEqual({ resident_id: null, user_id: 8, name: '', role: 'captain' })
    expect(buildMemberBody({ ...f, kind: 'name' })).toEqual({ resident_id: null, user_id: null, name: 'typed', role: 'captain' })
  })
})

describe('change log of a place', () => {
  it('names units, categories, uses and referenced records', () => {
    const entry: HistoryEntry = {
      at: '2026-05-01T08:00:00+08:00',
      username: 'lina',
      corrected_by: '',
      action: 'update',
      changes: { path: ['320111003001001', '320111003001002'], use: ['self', 'rental'], owner: [null, 21], compound: [5, 9], updated_at: ['a', 'b'] },
    }
    const lines = placeHistoryLines(entry, 'houses', {
      places: { '320111003001001': 'G1', '320111003001002': 'G2' },
      refs: { compound: { id: 9, name: 'Garden' }, owner: { id: 21, name: 'Wang' } },
    })
    expect(lines.map((l) => [l.label, l.before, l.after])).toEqual([
      ['所在辖区', 'G1', 'G2'],
      ['用途', '自住', '出租'],
      ['房主', '—', 'Wang'],
      ['所属小区', '记录 #5', 'Garden'],
    ])
  })

  it('lists what a creation filled in, without the id and the flags still off, categories by label', () => {
    const entry: HistoryEntry = { at: '2026-05-01T08:00:00+08:00', username: 'lina', action: 'create', corrected_by: '', changes: { id: [null, 4], name: [null, 'Gas'], is_retired: [null, false], kind_code: [null, '9902'] } }
    const lines = placeHistoryLines(entry, 'key-places', { code: (c) => (c === '9902' ? 'Gas station' : undefined) })
    expect(lines.map((l) => [l.field, l.after])).toEqual([
      ['name', 'Gas'],
      ['kind_code', 'Gas station'],
    ])
  })
})
