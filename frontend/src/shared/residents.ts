/**
 * Residents (the registry's people): the kinds, the code tables behind the coded fields, how the search box
 * reads what was typed, and how a change-log entry is shown.
 */
import { MAX_LENGTH } from '@/api/limits'
import type { ResidentHistoryEntry, ResidentIn, ResidentKind } from '@/api/types'
import { formatDateTime } from './format'
import { t, i18n } from './i18n'

export const RESIDENT_KINDS: readonly ResidentKind[] = ['registered', 'floating', 'overseas']

/** The resident ID card (GA/T 517 code 111): its number gives the birth date and sex. */
export const ID_CARD = '111'

export function isResidentKind(v: unknown): v is ResidentKind {
  return typeof v === 'string' && (RESIDENT_KINDS as readonly string[]).includes(v)
}

export function kindTagType(kind: ResidentKind | string): 'primary' | 'warning' | 'success' | 'info' {
  switch (kind) {
    case 'registered':
      return 'primary'
    case 'floating':
      return 'warning'
    case 'overseas':
      return 'success'
    default:
      return 'info'
  }
}

/** Which dictionary table each coded field of a resident uses. */
export const CODE_TABLES = {
  sex_code: 'sex',
  id_type_code: 'id_type',
  ethnicity_code: 'ethnicity',
  marital_code: 'marital_status',
  political_code: 'political_status',
  education_code: 'education',
  religion_code: 'religion',
  relation_code: 'household_relation',
  nationality_code: 'nationality',
} as const

export type CodeField = keyof typeof CODE_TABLES

/** Suggested values of free-text fields (the user may type others); keys under `residents.suggest`. */
export const SUGGESTIONS = {
  permit_type: ['residencePermit', 'temporaryPermit'],
  residence_type: ['rented', 'employer', 'site', 'relatives', 'owned', 'hotel', 'other'],
  reason_for_moving: ['work', 'business', 'study', 'family', 'marriage', 'other'],
  purpose: ['work', 'study', 'family', 'business', 'tourism', 'settle', 'other'],
} as const

export function suggestions(field: keyof typeof SUGGESTIONS): string[] {
  return SUGGESTIONS[field].map((k) => t(`residents.suggest.${field}.${k}`))
}

/**
 * How each field of the resident form is edited, declared once, in the order and section the
 * dialog shows them; the dialog, which fields are shown and which are sent are built from it.
 *   text     a free text, at most the server's maxLength (from the OpenAPI schema)
 *   code     a value of the field's code table (CODE_TABLES)
 *   date     a day; `past` ones cannot lie in the future
 *   choice   one of the field's SUGGESTIONS, picked
 *   suggest  free text with the field's SUGGESTIONS offered
 *   idNumber the document number (checked as it is typed when it is a resident ID card)
 *   unit     the grid or village, picked in the unit tree
 */
export type ResidentInput = 'text' | 'code' | 'date' | 'choice' | 'suggest' | 'idNumber' | 'unit'

/** The dialog's sections: the floating and overseas ones show, and are sent, only for their kind. */
export type ResidentSection = 'basic' | 'household' | 'floating' | 'overseas'

export interface ResidentFieldSpec {
  name: Exclude<keyof ResidentIn, 'kind' | 'latitude' | 'longitude'>
  section: ResidentSection
  input: ResidentInput
  required?: boolean
  /** A whole row rather than half of one. */
  wide?: boolean
  /** Shown in a monospace font (numbers read digit by digit). */
  mono?: boolean
  /** A date that cannot lie in the future. */
  past?: boolean
  /** Only for documents other than the resident ID card, whose number gives these. */
  notIdCard?: boolean
  /** The code cannot be cleared (it always has a value). */
  notClearable?: boolean
  /** An empty half row after it (the next field starts a row). */
  gapAfter?: boolean
}

export const RESIDENT_FORM: readonly ResidentFieldSpec[] = [
  { name: 'name', section: 'basic', input: 'text', required: true },
  { name: 'former_name', section: 'basic', input: 'text' },
  { name: 'id_type_code', section: 'basic', input: 'code', required: true, notClearable: true },
  { name: 'id_number', section: 'basic', input: 'idNumber', required: true, mono: true },
  { name: 'sex_code', section: 'basic', input: 'code', required: true, notIdCard: true },
  { name: 'birth_date', section: 'basic', input: 'date', required: true, past: true, notIdCard: true },
  { name: 'ethnicity_code', section: 'basic', input: 'code' },
  { name: 'native_place', section: 'basic', input: 'text' },
  { name: 'marital_code', section: 'basic', input: 'code' },
  { name: 'political_code', section: 'basic', input: 'code' },
  { name: 'education_code', section: 'basic', input: 'code' },
  { name: 'religion_code', section: 'basic', input: 'code' },
  { name: 'occupation', section: 'basic', input: 'text' },
  { name: 'phone', section: 'basic', input: 'text', mono: true },
  { name: 'unit_id', section: 'household', input: 'unit' },
  { name: 'relation_code', section: 'household', input: 'code' },
  { name: 'household_address', section: 'household', input: 'text', wide: true },
  { name: 'current_address', section: 'household', input: 'text', wide: true },
  { name: 'household_number', section: 'household', input: 'text' },
  { name: 'permit_type', section: 'floating', input: 'choice' },
  { name: 'permit_number', section: 'floating', input: 'text' },
  { name: 'permit_issued_on', section: 'floating', input: 'date' },
  { name: 'permit_expires_on', section: 'floating', input: 'date' },
  { name: 'residence_type', section: 'floating', input: 'suggest' },
  { name: 'reason_for_moving', section: 'floating', input: 'suggest' },
  { name: 'foreign_name', section: 'overseas', input: 'text' },
  { name: 'nationality_code', section: 'overseas', input: 'code', required: true },
  { name: 'purpose', section: 'overseas', input: 'suggest', gapAfter: true },
  { name: 'arrived_on', section: 'overseas', input: 'date' },
  { name: 'leaves_on', section: 'overseas', input: 'date' },
]

export const RESIDENT_SECTIONS: readonly ResidentSection[] = ['basic', 'household', 'floating', 'overseas']

/** Whether a section belongs to a kind (the basic and household ones to all three). */
export function sectionOfKind(section: ResidentSection, kind: ResidentKind): boolean {
  return section === 'basic' || section === 'household' || section === kind
}

/** The longest text a field takes, as the server's schema says (undefined: no limit given). */
export function residentMaxLength(field: string): number | undefined {
  return (MAX_LENGTH.ResidentIn as Readonly<Record<string, number>>)[field]
}

/** The code table of a coded field. */
export function codeTableOf(field: string): string {
  return (CODE_TABLES as Readonly<Record<string, string>>)[field] ?? field
}

/**
 * How the server will read the search box: a whole ID number or an 11-digit mobile is matched
 * exactly, anything else is a fragment of a name. A run of digits that is neither finds nobody,
 * so the page says so.
 */
export type QueryKind = 'empty' | 'name' | 'idNumber' | 'phone' | 'partialNumber'

export function classifyQuery(q: string): QueryKind {
  const s = q.trim()
  if (!s) return 'empty'
  if (/^1\d{10}$/.test(s)) return 'phone'
  if (/^\d{17}[\dXx]$/.test(s) || /^\d{15}$/.test(s)) return 'idNumber'
  if (/^\d{6,17}[\dXx]$/.test(s)) return 'partialNumber'
  return 'name'
}

/** Fields of the change log not worth a line: the entry's own time stamps. */
const QUIET_FIELDS: ReadonlySet<string> = new Set(['created_at', 'updated_at'])

export interface ChangeLine {
  field: string
  label: string
  before: string
  after: string
}

/** Resolves a code of a coded field to its label (when the table is loaded). */
export type CodeLookup = (field: CodeField, code: string) => string | undefined

/** What the change log's raw values can be named with. */
export interface HistoryNames {
  code?: CodeLookup
  /** Unit names by path (the resident's own place chain), for the `path` field. */
  places?: Readonly<Record<string, string>>
}

function isCodeField(field: string): field is CodeField {
  return field in CODE_TABLES
}

/** One value of the change log as short text: codes and unit paths by name where known. */
export function historyValue(field: string, value: unknown, names: HistoryNames = {}): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
  if (field === 'kind' && isResidentKind(value)) return t(`residents.kind.${value}`)
  if (typeof value === 'string') {
    if (isCodeField(field)) return names.code?.(field, value) ?? value
    if (field === 'path') return names.places?.[value] ?? value
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value)
    return value
  }
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}

/** The field's name from the locale, or the raw name when the locale does not know it. */
export function historyFieldLabel(field: string): string {
  const key = `residents.field.${field}`
  return i18n.global.te(key) ? t(key) : field
}

/**
 * The lines of one change-log entry: field, old → new. A creation lists what was filled in,
 * without the record's own id and the flags still off.
 */
export function historyLines(entry: ResidentHistoryEntry, names: HistoryNames = {}): ChangeLine[] {
  const created = entry.action === 'create'
  const lines: ChangeLine[] = []
  for (const [field, pair] of Object.entries(entry.changes)) {
    if (QUIET_FIELDS.has(field)) continue
    const [before, after] = Array.isArray(pair) ? (pair as unknown[]) : [undefined, pair]
    if (created && (field === 'id' || after === false)) continue
    lines.push({
      field,
      label: historyFieldLabel(field),
      before: historyValue(field, before, names),
      after: historyValue(field, after, names),
    })
  }
  return lines
}

/** The change-log action in words (create / update / delete), raw when unknown. */
export function historyAction(action: string): string {
  const key = `residents.history.action.${action}`
  return i18n.global.te(key) ? t(key) : action
}
