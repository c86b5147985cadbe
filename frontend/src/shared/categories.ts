/**
 * Key persons and care recipients (listings): when their next visit is due, the visit form's body and
 * checks, and the forms built from a category's field description (FieldSpecOut) — the server
 * declares each category's own fields once and the console and the phone render them from it.
 */
import type { CategoryGroup, CategoryIn, CategorySpec, FieldSpec, TeamMember, VisitIn, VisitMethod } from '@/api/types'
import { MAX_LENGTH } from '@/api/limits'
import { t } from './i18n'

export const CATEGORY_GROUPS: readonly CategoryGroup[] = ['key', 'care']

export function isCategoryGroup(v: unknown): v is CategoryGroup {
  return v === 'key' || v === 'care'
}

/** Severe mental disorder (key 03): the one key category whose risk level (0–5) is required and sets the visit frequency. */
export const MENTAL_DISORDER = '03'
export const RISK_LEVELS = [0, 1, 2, 3, 4, 5] as const

export function needsRiskLevel(group: CategoryGroup, code: string): boolean {
  return group === 'key' && code.slice(0, 2) === MENTAL_DISORDER
}

// ---- dates --------------------------------------------------------------------------------

const pad = (n: number): string => String(n).padStart(2, '0')

/** `YYYY-MM-DD` of a local day. */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** `YYYY-MM-DD` plus `days` (calendar days, local time); empty for an unreadable day. */
export function addDays(day: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return ''
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days)
  return dayKey(d)
}

// ---- due / overdue ------------------------------------------------------------------------

/** Within this many days a visit is "coming due" (the server's `due=soon` uses the same week). */
export const SOON_DAYS = 7

export type DueState = 'overdue' | 'today' | 'soon' | 'later'

export function dueState(daysLeft: number): DueState {
  if (daysLeft < 0) return 'overdue'
  if (daysLeft === 0) return 'today'
  if (daysLeft <= SOON_DAYS) return 'soon'
  return 'later'
}

/** Overdue by n days / due today / n days left; empty when far off. */
export function dueLabel(daysLeft: number): string {
  switch (dueState(daysLeft)) {
    case 'overdue':
      return t('categories.due.overdueDays', { n: -daysLeft })
    case 'today':
      return t('categories.due.today')
    case 'soon':
      return t('categories.due.soonDays', { n: daysLeft })
    default:
      return ''
  }
}

/** Rows of the due list: soonest first (the most overdue at the top), then by name. */
export function sortByDue<T extends { days_left: number; next_visit_on: string; resident_name: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.days_left - b.days_left || a.next_visit_on.localeCompare(b.next_visit_on) || a.resident_name.localeCompare(b.resident_name))
}

/**
 * Merge the key and care due lists for one person-by-person list (a resident listed in both
 * appears once per listing: each has its own visits).
 */
export function mergeDue<T extends { id: number; days_left: number; next_visit_on: string; resident_name: string }>(...lists: readonly (readonly T[])[]): T[] {
  const seen = new Map<number, T>()
  for (const list of lists) for (const r of list) seen.set(r.id, r)
  return sortByDue([...seen.values()])
}

// ---- visits -------------------------------------------------------------------------------

export const VISIT_METHODS: readonly VisitMethod[] = ['home', 'phone', 'talk', 'service', 'other']
export const VISIT_CONTENT_MIN = 5
export const VISIT_CONTENT_MAX = MAX_LENGTH.VisitIn.content
export const COMPANIONS_MAX = MAX_LENGTH.VisitIn.companions

export interface VisitFields {
  visited_on: string
  method: VisitMethod
  content: string
  /** Empty: the server sets visited_on + visit_every_days. */
  next_visit_on: string
  companions: string
  latitude: number | null
  longitude: number | null
}

export function blankVisit(today: Date = new Date()): VisitFields {
  return { visited_on: dayKey(today), method: 'home', content: '', next_visit_on: '', companions: '', latitude: null, longitude: null }
}

/** The next visit the server will set when the form leaves it empty. */
export function defaultNextVisit(visitedOn: string, everyDays: number): string {
  return visitedOn ? addDays(visitedOn, everyDays) : ''
}

/** What the browser can tell before sending (the server checks the same and more). */
export function validateVisit(f: VisitFields, opts: { listedOn?: string; today?: Date } = {}): Record<string, string> {
  const errors: Record<string, string> = {}
  const today = dayKey(opts.today ?? new Date())
  if (!f.visited_on) errors.visited_on = t('visits.error.visitedOnRequired')
  else if (f.visited_on > today) errors.visited_on = t('visits.error.visitedOnFuture')
  else if (opts.listedOn && f.visited_on < opts.listedOn) errors.visited_on = t('visits.error.visitedOnBeforeListed')
  if (!VISIT_METHODS.includes(f.method)) errors.method = t('visits.error.methodRequired')
  const content = f.content.trim()
  if (content.length < VISIT_CONTENT_MIN) errors.content = t('visits.error.contentShort', { n: VISIT_CONTENT_MIN })
  else if (content.length > VISIT_CONTENT_MAX) errors.content = t('visits.error.contentLong', { n: VISIT_CONTENT_MAX })
  if (f.next_visit_on && f.visited_on && f.next_visit_on <= f.visited_on) errors.next_visit_on = t('visits.error.nextNotAfter')
  if (f.companions.length > COMPANIONS_MAX) errors.companions = t('visits.error.companionsLong', { n: COMPANIONS_MAX })
  return errors
}

/** The request body; `clientId` makes a resend (the offline queue) harmless. */
export function buildVisitBody(f: VisitFields, clientId: string | null = null): VisitIn {
  return {
    visited_on: f.visited_on,
    method: f.method,
    content: f.content.trim(),
    next_visit_on: f.next_visit_on || null,
    companions: f.companions.trim(),
    latitude: f.latitude,
    longitude: f.longitude,
    client_id: clientId,
  }
}

// ---- a category's own fields ---------------------------------------------------------------

/** A detail value as the form holds it: text (also dates, choices and numbers as typed), or yes/no. */
export type DetailValue = string | boolean | null

/** The form's values for the fields of a spec, from stored details (an edit) or blank. */
export function detailsFor(fields: readonly FieldSpec[], stored: Readonly<Record<string, unknown>> = {}): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {}
  for (const f of fields) {
    const v = stored[f.name]
    if (f.kind === 'bool') out[f.name] = typeof v === 'boolean' ? v : null
    else out[f.name] = v === null || v === undefined ? '' : String(v)
  }
  return out
}

/** Checks of the category's own fields, keyed `details.<name>` as the server keys its errors. */
export function validateDetails(fields: readonly FieldSpec[], values: Readonly<Record<string, DetailValue>>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const key = `details.${f.name}`
    const raw = values[f.name]
    const text = typeof raw === 'string' ? raw.trim() : raw
    if (text === null || text === undefined || text === '') {
      if (f.required) errors[key] = t('categories.error.fieldRequired', { label: f.label })
      continue
    }
    if (f.kind === 'number') {
      const n = Number(text)
      if (typeof text !== 'string' || Number.isNaN(n)) errors[key] = t('categories.error.number', { label: f.label })
      else if (n < 0 || n > 1e9) errors[key] = t('categories.error.numberRange', { label: f.label })
    } else if (f.kind === 'date') {
      if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[key] = t('categories.error.date', { label: f.label })
    } else if (f.kind === 'choice') {
      if (typeof text !== 'string' || !f.choices.includes(text)) errors[key] = t('categories.error.choice', { label: f.label })
    } else if (f.kind === 'text' && typeof text === 'string' && text.length > f.max_length) {
      errors[key] = t('categories.error.tooLong', { label: f.label, n: f.max_length })
    }
  }
  return errors
}

/** The `details` object to send: empty fields left out, numbers as numbers. */
export function detailsBody(fields: readonly FieldSpec[], values: Readonly<Record<string, DetailValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const raw = values[f.name]
    if (raw === null || raw === undefined) continue
    if (typeof raw === 'boolean') {
      out[f.name] = raw
      continue
    }
    const text = raw.trim()
    if (!text) continue
    out[f.name] = f.kind === 'number' && !Number.isNaN(Number(text)) ? Number(text) : text
  }
  return out
}

/** One stored detail value as text: yes/no in words, a dash when empty. */
export function detailText(field: Pick<FieldSpec, 'kind'>, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('categories.detail.none')
  if (field.kind === 'bool' || typeof value === 'boolean') return value === true ? t('common.yes') : value === false ? t('common.no') : String(value)
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

// ---- listing form -------------------------------------------------------------------------

export interface TeamRow {
  name: string
  role: string
}

export interface ListingFields {
  group: CategoryGroup
  category_code: string
  listed_on: string
  risk_level: number | null
  details: Record<string, DetailValue>
  team: TeamRow[]
  visit_every_days: number | null
  note: string
}

export function findSpec(specs: readonly CategorySpec[], group: CategoryGroup, code: string): CategorySpec | undefined {
  return specs.find((s) => s.group === group && s.code === code)
}

/** The visit frequency a spec suggests: for severe mental disorder by risk level, otherwise its default. */
export function suggestedEvery(spec: Pick<CategorySpec, 'visit_every_days' | 'risk_levels'> | undefined, risk: number | null): number | null {
  if (!spec) return null
  if (risk !== null) {
    const byRisk = (spec.risk_levels as Record<string, number | undefined>)[String(risk)]
    if (byRisk !== undefined) return byRisk
  }
  return spec.visit_every_days
}

/** Team rows with a name, trimmed (empty rows the user added and left are dropped). */
export function cleanTeam(rows: readonly TeamRow[]): TeamMember[] {
  return rows.map((r) => ({ name: r.name.trim(), role: r.role.trim() })).filter((r) => r.name !== '')
}

export function validateListing(f: ListingFields, spec: CategorySpec | undefined, today: Date = new Date()): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!f.category_code) errors.category_code = t('categories.error.categoryRequired')
  if (f.listed_on && f.listed_on > dayKey(today)) errors.listed_on = t('categories.error.listedFuture')
  if (needsRiskLevel(f.group, f.category_code) && f.risk_level === null) errors.risk_level = t('categories.error.riskRequired')
  if (f.visit_every_days !== null && (f.visit_every_days < 1 || f.visit_every_days > 365)) errors.visit_every_days = t('categories.error.everyRange')
  f.team.forEach((m, i) => {
    if (!m.name.trim() && m.role.trim()) errors[`team.${i}.name`] = t('categories.error.teamName')
  })
  if (spec) Object.assign(errors, validateDetails(spec.fields, f.details))
  return errors
}

export function buildListingBody(f: ListingFields, spec: CategorySpec | undefined): CategoryIn {
  return {
    group: f.group,
    category_code: f.category_code,
    listed_on: f.listed_on || null,
    risk_level: needsRiskLevel(f.group, f.category_code) ? f.risk_level : null,
    details: spec ? detailsBody(spec.fields, f.details) : {},
    team: cleanTeam(f.team),
    visit_every_days: f.visit_every_days,
    note: f.note.trim(),
  }
}

/** An on-time share (0–1) as a percentage with one decimal at most: 0.875 → `87.5%`; null stays null. */
export function sharePercent(share: number | null): string | null {
  if (share === null) return null
  const pct = Math.round(share * 1000) / 10
  return `${pct}%`
}
