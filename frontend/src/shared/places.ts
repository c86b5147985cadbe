/**
 * Places and organisations (compounds, houses, key places, security facilities, organisations).
 * GET /place-specs names each kind's own fields (`extra`); how each field is edited is declared
 * here, once, by field name, and the forms and pages are built from it. Also here: what the
 * pages compute from a place (occupants now and before, the months without an inspection, who
 * a member is, the change log in words), so it is tested without a browser.
 */
import { MAX_LENGTH } from '@/api/limits'
import type {
  HistoryEntry,
  InspectionMonth,
  MemberIn,
  MemberOut,
  OccupantIn,
  OccupantOut,
  OccupantRelation,
  PlaceIn,
  PlaceKind,
  PlaceMap,
  PlaceOut,
} from '@/api/types'
import { formatDateTime } from './format'
import { i18n, t } from './i18n'
import type { ChangeLine } from './residents'

export const PLACE_KINDS: readonly PlaceKind[] = ['compounds', 'houses', 'key-places', 'facilities', 'organisations']

export function isPlaceKind(v: unknown): v is PlaceKind {
  return typeof v === 'string' && (PLACE_KINDS as readonly string[]).includes(v)
}

/**
 * How a field of `extra` is edited. `compound` and `resident` fields hold another record
 * (`{id, name}` as stored, its id as sent) and are chosen with a picker.
 */
export type ExtraKind = 'text' | 'int' | 'number' | 'date' | 'code' | 'houseUse' | 'compound' | 'resident'

export const EXTRA_FIELDS: Readonly<Record<string, ExtraKind>> = {
  property_company: 'text',
  households: 'int',
  compound: 'compound',
  use: 'houseUse',
  area: 'number',
  owner: 'resident',
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
export const OCCUPANT_RELATIONS: readonly OccupantRelation[] = ['owner', 'family', 'tenant', 'other']
/**
 * The longest text of each free field, as the server takes it: the common fields from the
 * OpenAPI schema; the kinds' own fields (in `extra`, which the schema leaves open) as the
 * server's place specs check them.
 */
export const TEXT_MAX: Readonly<Record<string, number>> = {
  name: MAX_LENGTH.PlaceIn.name,
  address: MAX_LENGTH.PlaceIn.address,
  note: MAX_LENGTH.PlaceIn.note,
  contact_phone: MAX_LENGTH.PlaceIn.contact_phone,
  property_company: 100,
  owner_name: 50,
  legal_person: 50,
  security_contact: 50,
  credit_code: 18,
  serial_number: 40,
  managed_by: 100,
}

export function extraKind(field: string): ExtraKind {
  return EXTRA_FIELDS[field] ?? 'text'
}

/** Fields holding another record. */
export function isRefField(field: string): boolean {
  const kind = extraKind(field)
  return kind === 'compound' || kind === 'resident'
}

/** The fields typed into the form (references to other records are picked, see `refs`). */
export function editableFields(fields: readonly string[]): string[] {
  return fields.filter((f) => !isRefField(f))
}

/** Another record a place refers to: a house's compound or owner, an occupant, a member. */
export interface PlaceRef {
  id: number
  name: string
  /** A second line in pickers (masked ID number, unit). */
  hint?: string
}

function asRef(v: unknown): PlaceRef | null {
  if (v && typeof v === 'object' && 'id' in v && typeof (v as { id: unknown }).id === 'number') {
    const r = v as { id: number; name?: unknown }
    return { id: r.id, name: typeof r.name === 'string' ? r.name : String(r.id) }
  }
  return null
}

export interface PlaceFields {
  name: string
  address: string
  unit_id: number | null
  note: string
  contact_phone: string
  latitude: number | null
  longitude: number | null
  /** The typed fields of `extra`, as text. */
  extra: Record<string, string>
  /** The picked fields of `extra` (compound, owner). */
  refs: Record<string, PlaceRef | null>
}

/**
 * The form's values: from a stored place (an edit: the phone as its mask, the unit as the place's
 * lowest unit) or blank.
 */
export function placeFieldsFrom(fields: readonly string[], p: PlaceOut | null): PlaceFields {
  const extra: Record<string, string> = {}
  const refs: Record<string, PlaceRef | null> = {}
  for (const f of fields) {
    const v = p?.extra[f]
    if (isRefField(f)) refs[f] = asRef(v)
    else extra[f] = v === null || v === undefined ? (f === 'use' ? 'self' : '') : String(v)
  }
  const place = p?.place ?? []
  return {
    name: p?.name ?? '',
    address: p?.address ?? '',
    unit_id: place[place.length - 1]?.id ?? null,
    note: p?.note ?? '',
    contact_phone: p?.contact_phone_mask ?? '',
    latitude: p?.latitude ?? null,
    longitude: p?.longitude ?? null,
    extra,
    refs,
  }
}

const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/

/**
 * What the browser can tell before sending, keyed as the server keys its errors (`owner`,
 * `kind_code` … for the kind's own fields). `storedPhone` is the edited place's masked phone:
 * sent back as it is, it means "unchanged".
 */
export function validatePlace(f: PlaceFields, fields: readonly string[], creating: boolean, storedPhone = ''): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!f.name.trim()) errors.name = t('places.error.nameRequired')
  const positioned = f.latitude !== null && f.longitude !== null
  if (creating && f.unit_id === null && !positioned) errors.unit_id = t('places.error.unitRequired')
  for (const name of editableFields(fields)) {
    const v = (f.extra[name] ?? '').trim()
    const kind = extraKind(name)
    if (kind === 'code' && !v) errors[name] = t('places.error.categoryRequired')
    if ((kind === 'int' || kind === 'number') && v && (Number.isNaN(Number(v)) || Number(v) < 0 || (kind === 'int' && !Number.isInteger(Number(v))))) {
      errors[name] = t('places.error.number')
    }
    const max = TEXT_MAX[name]
    if (kind === 'text' && max !== undefined && v.length > max) errors[name] = t('places.error.tooLong', { n: max })
  }
  if (fields.includes('owner') && !f.refs.owner && !(f.extra.owner_name ?? '').trim()) errors.owner = t('places.error.ownerRequired')
  const phone = f.contact_phone.trim()
  if (phone && phone !== storedPhone && !PHONE.test(phone)) errors.contact_phone = t('places.error.phoneInvalid')
  return errors
}

/** The request body: typed fields as numbers or text (empty = null), picked records by id. */
export function buildPlaceBody(f: PlaceFields, fields: readonly string[]): PlaceIn {
  const extra: Record<string, unknown> = {}
  for (const name of fields) {
    const kind = extraKind(name)
    if (isRefField(name)) {
      extra[name] = f.refs[name]?.id ?? null
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
    latitude: f.latitude,
    longitude: f.longitude,
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

/** A field's label: the kind's own wording where it has one (an organisation's legal_person is its head). */
export function fieldLabel(field: string, kind?: PlaceKind): string {
  const own = kind ? `places.fieldOf.${kind}.${field}` : ''
  if (own && i18n.global.te(own)) return t(own)
  const key = `places.field.${field}`
  return i18n.global.te(key) ? t(key) : field
}

/** A position as latitude, longitude with six decimals (about 0.1 m). */
export function positionText(lat: number, lng: number): string {
  return t('places.position.value', { lat: lat.toFixed(6), lng: lng.toFixed(6) })
}

// ---- occupants ---------------------------------------------------------------------------

/** Who lives in a house now, and who lived there before (moved out most recently first). */
export function splitOccupants(list: readonly OccupantOut[]): { current: OccupantOut[]; past: OccupantOut[] } {
  const current = list.filter((o) => !o.until)
  const past = list.filter((o) => !!o.until).sort((a, b) => (b.until ?? '').localeCompare(a.until ?? ''))
  return { current, past }
}

export interface OccupantFields {
  resident: PlaceRef | null
  relation: OccupantRelation
  /** `YYYY-MM-DD` or empty. */
  since: string
}

export function validateOccupant(f: OccupantFields, today: string, current: readonly OccupantOut[] = []): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!f.resident) errors.resident_id = t('places.occupants.residentRequired')
  else if (current.some((o) => o.resident_id === f.resident?.id)) errors.resident_id = t('places.occupants.alreadyListed')
  if (f.since && f.since > today) errors.since = t('places.error.future')
  return errors
}

export function buildOccupantBody(f: OccupantFields): OccupantIn {
  return { resident_id: f.resident?.id ?? 0, relation: f.relation, since: f.since || null }
}

// ---- inspections -------------------------------------------------------------------------

export type MonthState = 'done' | 'missing' | 'due'

export interface MonthCell {
  month: string
  label: string
  count: number
  /** done: inspected; missing: a past month without inspection; due: this month, not yet. */
  state: MonthState
}

/**
 * The months of a facility's page, oldest first (they read left to right). The server sends
 * the newest first, the current month included; a month's label carries its year when it is
 * the first shown or a January.
 */
export function inspectionCalendar(months: readonly InspectionMonth[], thisMonth: string): MonthCell[] {
  return [...months].reverse().map((m, i) => {
    const [y, mo] = m.month.split('-')
    const month = Number(mo)
    const label = i === 0 || month === 1 ? t('places.inspection.monthWithYear', { y, m: month }) : t('places.inspection.monthLabel', { m: month })
    const state: MonthState = m.count > 0 ? 'done' : m.month === thisMonth ? 'due' : 'missing'
    return { month: m.month, label, count: m.count, state }
  })
}

/** `YYYY-MM` of a day. */
export function monthKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

// ---- members -----------------------------------------------------------------------------

export type MemberKind = 'resident' | 'user' | 'name'
export const MEMBER_KINDS: readonly MemberKind[] = ['resident', 'user', 'name']

export function memberKind(m: Pick<MemberOut, 'resident_id' | 'user_id'>): MemberKind {
  if (m.resident_id) return 'resident'
  if (m.user_id) return 'user'
  return 'name'
}

export interface MemberFields {
  kind: MemberKind
  resident: PlaceRef | null
  user: PlaceRef | null
  name: string
  role: string
}

export const MEMBER_ROLE_MAX = MAX_LENGTH.MemberIn.role
export const MEMBER_NAME_MAX = MAX_LENGTH.MemberIn.name

export function validateMember(f: MemberFields): Record<string, string> {
  const errors: Record<string, string> = {}
  if (f.kind === 'resident' && !f.resident) errors.resident_id = t('places.members.residentRequired')
  if (f.kind === 'user' && !f.user) errors.user_id = t('places.members.userRequired')
  if (f.kind === 'name' && !f.name.trim()) errors.name = t('places.members.nameRequired')
  if (f.name.trim().length > MEMBER_NAME_MAX) errors.name = t('places.error.tooLong', { n: MEMBER_NAME_MAX })
  if (f.role.trim().length > MEMBER_ROLE_MAX) errors.role = t('places.error.tooLong', { n: MEMBER_ROLE_MAX })
  return errors
}

/** Only the chosen kind's reference is sent; the server names a resident or user member itself. */
export function buildMemberBody(f: MemberFields): MemberIn {
  return {
    resident_id: f.kind === 'resident' ? (f.resident?.id ?? null) : null,
    user_id: f.kind === 'user' ? (f.user?.id ?? null) : null,
    name: f.kind === 'name' ? f.name.trim() : '',
    role: f.role.trim(),
  }
}

// ---- the map -----------------------------------------------------------------------------

/** The line above the map: how many places it shows, and that there are more when capped. */
export function mapSummary(m: Pick<PlaceMap, 'items' | 'total' | 'capped'>): string {
  if (m.capped) return t('places.map.capped', { shown: m.items.length, total: m.total })
  return t('places.map.count', { n: m.total })
}

// ---- change log --------------------------------------------------------------------------

/** Fields of the change log not worth a line: the entry's own time stamps. */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['created_at', 'updated_at'])

export interface PlaceHistoryNames {
  /** Unit names by path (the place's own chain of units). */
  places?: Readonly<Record<string, string>>
  /** The category code's label (kind_code). */
  code?: (code: string) => string | undefined
  /** Names of referenced records by field and id (the compound and owner as now stored). */
  refs?: Readonly<Record<string, PlaceRef | null>>
}

/** A line of a place's change log: the same shape as a resident's. */
export type PlaceChangeLine = ChangeLine

function historyValue(field: string, value: unknown, names: PlaceHistoryNames): string {
  if (value === null || value === undefined || value === '') return t('categories.detail.none')
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
  if (typeof value === 'number' && isRefField(field)) {
    const ref = names.refs?.[field]
    return ref && ref.id === value ? ref.name : t('places.history.record', { id: value })
  }
  if (typeof value === 'string') {
    if (field === 'path') return names.places?.[value] ?? value
    if (field === 'kind_code') return names.code?.(value) ?? value
    if (field === 'use' && (HOUSE_USES as readonly string[]).includes(value)) return t(`places.use.${value}`)
    if (field === 'last_result' && (INSPECTION_RESULTS as readonly string[]).includes(value)) return t(`places.inspection.results.${value}`)
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value)
    return value
  }
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}

/**
 * The lines of one change-log entry: field, old → new. A creation lists what was filled in,
 * without the record's own id and the flags still off.
 */
export function placeHistoryLines(entry: HistoryEntry, kind: PlaceKind, names: PlaceHistoryNames = {}): PlaceChangeLine[] {
  const created = entry.action === 'create'
  const lines: PlaceChangeLine[] = []
  for (const [field, pair] of Object.entries(entry.changes)) {
    if (QUIET_FIELDS.has(field)) continue
    const [before, after] = Array.isArray(pair) ? (pair as unknown[]) : [undefined, pair]
    if (created && (field === 'id' || after === false)) continue
    lines.push({ field, label: fieldLabel(field, kind), before: historyValue(field, before, names), after: historyValue(field, after, names) })
  }
  return lines
}
