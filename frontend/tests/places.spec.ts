import { describe, expect, it } from 'vitest'
import type { PlaceOut } from '@/api/types'
import { buildPlaceBody, editableFields, extraText, placeFieldsFrom, validatePlace } from '@/shared/places'

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
    occupants: [],
    inspections: [],
    members: [],
    can_edit: true,
    can_unmask: false,
    ...over,
  }
}

describe('place forms from the spec', () => {
  it('leaves references to other records out of the form but sends them back as stored', () => {
    expect(editableFields(HOUSE_FIELDS)).toEqual(['use', 'area', 'owner_name', 'rental_registered_on'])
    const stored = house()
    const f = placeFieldsFrom(HOUSE_FIELDS, stored)
    expect(f.extra).toEqual({ use: 'rental', area: '88.5', owner_name: 'Li', rental_registered_on: '' })
    f.extra.area = '90'
    const body = buildPlaceBody(f, HOUSE_FIELDS, stored)
    expect(body.extra).toEqual({ compound: 9, use: 'rental', area: 90, owner: null, owner_name: 'Li', rental_registered_on: null })
    expect(body).toMatchObject({ unit_id: null, latitude: 32.1, longitude: 118.6 })
  })

  it('sends the masked phone back unchanged and checks names, units, categories and numbers', () => {
    const fields = ['kind_code', 'employees']
    const f = placeFieldsFrom(fields, house({ kind: 'key-places', contact_phone_mask: '139****5678', extra: { kind_code: '', employees: null } }))
    expect(f.contact_phone).toBe('139****5678')
    f.name = ' '
    f.extra.employees = '2.5'
    expect(Object.keys(validatePlace(f, fields, true)).sort()).toEqual(['extra.employees', 'extra.kind_code', 'name', 'unit_id'])
  })

  it('shows referenced records by name and house uses in words', () => {
    expect(extraText('compound', { id: 9, name: 'Garden' })).toBe('Garden')
    expect(extraText('use', 'rental')).toBe('出租')
    expect(extraText('area', null)).toBe('—')
  })
})
