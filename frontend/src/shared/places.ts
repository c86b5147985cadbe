/**
 * Places and organisations (compounds, houses, key places, security facilities, organisations).
 * GET /place-specs names each kind's own fields (`extra`); how each field is edited is declared
 * here, once, by field name, and the forms are built from it.
 */
import type { PlaceIn, PlaceKind, PlaceOut } from '@/api/types'
import { t } from './i18n'

export const PLACE_KINDS: readonly PlaceKind[] = ['compounds', 'houses', 'key-places', 'facilities', 'organisations']

/** How a field of `extra` is edited. `ref` fields hold another record ({id, name}) and are kept as they are. */
export type ExtraKind = 'text' | 'int' | 'number' | 'date' | 'code' | 'houseUse' | 'ref'

export const EXTRA_FIELDS: Readonly<Record<string, ExtraKind>> = {
  property_company: 'text',
  households: 'int',
  compound: 'ref',
  use: 'houseUse',
  area: 'number',
  owner: 'ref',
  owner_name: 'text',
  rental_registered_on: 'date',
  kind_code: 'code',
  legal_person: 'text',
  security_contact: 'text',
  employees: 'int',
  credit_code: 'text',
  serial_number: 'text',
  managed_by: 'text',
  installed_on: 'date',
}

export const HOUSE_USES = ['self', 'rental', 'vacant', 'business', 'other'] as const
export const INSPECTION_RESULTS = ['normal', 'fault', 'repaired'] as const

export function extraKind(field: string): ExtraKind {
  return EXTRA_FIELDS[field] ?? 'text'
}

/** The fields a form edits (references to other records are not edited here). */
export function editableFields(fields: readonly string[]): string[] {
  return fields.filter((f) => extraKind(f) !== 'ref')
}

export interface PlaceFields {
  name: string
  address: string
  unit_id: number | null
  note: string
  contact_phone: string
  extra: Record<string, string>
}

/** The form's values: from a stored place (an edit, the phone as its mask) or blank. */
export function placeFieldsFrom(fields: readonly string[], p: PlaceOut | null): PlaceFields {
  const extra: Record<string, string> = {}
  for (const f of editableFields(fields)) {
    const v = p?.extra[f]
    extra[f] = v === null || v === undefined ? (f === 'use' ? 'self' : '') : String(v)
  }
  return { name: p?.name ?? '', address: p?.address ?? '', unit_id: null, note: p?.note ?? '', contact_phone: p?.contact_phone_mask ?? '', extra }
}

export function validatePlace(f: PlaceFields, fields: readonly string[], creating: boolean): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!f.name.trim()) errors.name = t('places.error.nameRequired')
  if (creating && f.unit_id === null) errors.unit_id = t('places.error.unitRequired')
  for (const name of editableFields(fields)) {
    const v = (f.extra[name] ?? '').trim()
    const kind = extraKind(name)
    if (kind === 'code' && !v) errors[`extra.${name}`] = t('places.error.categoryRequired')
    if ((kind === 'int' || kind === 'number') && v && (Number.isNaN(Number(v)) || Number(v) < 0 || (kind === 'int' && !Number.isInteger(Number(v))))) {
      errors[`extra.${name}`] = t('places.error.number')
    }
  }
  return errors
}

/**
 * The request body. References to other records (a house's compound and owner) are sent back as
 * stored, so an edit keeps them; the phone goes back as its mask unless retyped (= unchanged).
 */
export function buildPlaceBody(f: PlaceFields, fields: readonly string[], stored: PlaceOut | null): PlaceIn {
  const extra: Record<string, unknown> = {}
  for (const name of fields) {
    const kind = extraKind(name)
    if (kind === 'ref') {
      const v = stored?.extra[name]
      extra[name] = v && typeof v === 'object' && 'id' in v ? (v as { id: number }).id : null
      continue
    }
    const v = (f.extra[name] ?? '').trim()
    extra[name] = v === '' ? null : kind === 'int' || kind === 'number' ? Number(v) : v
  }
  return {
    name: f.name.trim(),
    address: f.address.trim(),
    unit_id: f.unit_id,
    note: f.note.trim(),
    contact_phone: f.contact_phone.trim(),
    latitude: stored?.latitude ?? null,
    longitude: stored?.longitude ?? null,
    extra,
  }
}

/** A stored extra value as text: a referenced record by name, a dash when empty. */
export function extraText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('categories.detail.none')
  if (typeof value === 'object' && 'name' in (value as object)) return String((value as { name: unknown }).name)
  if (field === 'use' && typeof value === 'string' && (HOUSE_USES as readonly string[]).includes(value)) return t(`places.use.${value}`)
  return String(value)
}
