/**
 * Case-engine helpers shared by the console and the phone: the dispute title helper, the
 * event-category tree, and what each action's small form needs (mirroring
 * zongzhi/cases/services.py `_apply`, so the user is told before the server refuses).
 */
import type { CaseActionIn, CaseStatus, DictItemOut } from '@/api/types'
import { t } from './i18n'

// ---- title helper --------------------------------------------------------------------------

/**
 * "A and B's <category> dispute" (in the locale's words) from up to two party names and the category label,
 * as locale templates; the label gets the dispute suffix when it lacks one. Empty when there is
 * nothing to build from.
 */
export function buildDisputeTitle(first: string, second: string, categoryLabel: string): string {
  const a = first.trim()
  const b = second.trim()
  const suffix = t('cases.titleHelper.suffix')
  let what = categoryLabel.trim()
  if (what && !what.endsWith(suffix)) what += suffix
  if (!what) what = suffix
  if (a && b) return t('cases.titleHelper.two', { a, b, what })
  if (a || b) return t('cases.titleHelper.one', { a: a || b, what })
  return ''
}

// ---- event categories ------------------------------------------------------------------------

export interface CategoryOption {
  value: string
  label: string
  children?: CategoryOption[]
}

/** The hierarchical event_category code table as cascader options (children under parent_code). */
export function buildCategoryTree(items: readonly DictItemOut[]): CategoryOption[] {
  const active = items.filter((i) => !i.is_retired)
  const byCode = new Map<string, CategoryOption>()
  for (const i of active) byCode.set(i.code, { value: i.code, label: i.label })
  const roots: CategoryOption[] = []
  for (const i of active) {
    const node = byCode.get(i.code)
    if (!node) continue
    const parent = i.parent_code ? byCode.get(i.parent_code) : undefined
    if (parent) (parent.children ??= []).push(node)
    else roots.push(node)
  }
  return roots
}

/** Path of codes from the root to `code` (for a cascader's value). */
export function categoryPath(items: readonly DictItemOut[], code: string): string[] {
  const byCode = new Map(items.map((i) => [i.code, i]))
  const out: string[] = []
  let cur = byCode.get(code)
  const seen = new Set<string>()
  while (cur && !seen.has(cur.code)) {
    seen.add(cur.code)
    out.unshift(cur.code)
    cur = cur.parent_code ? byCode.get(cur.parent_code) : undefined
  }
  return out
}

export function categoryLabel(items: readonly DictItemOut[], code: string): string {
  return items.find((i) => i.code === code)?.label ?? ''
}

// ---- actions ---------------------------------------------------------------------------------

export const SATISFACTION = ['satisfied', 'basic', 'unsatisfied'] as const
export type SatisfactionKey = (typeof SATISFACTION)[number]

/** The values the server stores (its own words); the UI shows the locale's labels. */
export function satisfactionValue(key: SatisfactionKey): string {
  return t(`cases.satisfaction.${key}`)
}

export type Need = 'required' | 'optional' | 'none'

export interface ActionSpec {
  comment: Need
  /** A unit below or a department of the actor's unit. */
  target?: boolean
  days?: boolean
  level?: boolean
  satisfaction?: boolean
  result?: boolean
  /** Shown as a warning / danger button. */
  tone?: 'primary' | 'success' | 'warning' | 'danger' | 'default'
}

/** What every action asks for. Unknown actions ask for an optional comment. */
export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  approve: { comment: 'optional', tone: 'success' },
  disapprove: { comment: 'required', tone: 'danger' },
  accept: { comment: 'optional', tone: 'primary' },
  return: { comment: 'required', tone: 'warning' },
  resubmit: { comment: 'optional', tone: 'primary' },
  dispatch: { comment: 'optional', target: true, tone: 'primary' },
  escalate: { comment: 'required', tone: 'warning' },
  progress: { comment: 'required', tone: 'default' },
  request_extension: { comment: 'required', days: true, tone: 'default' },
  approve_extension: { comment: 'optional', tone: 'success' },
  reject_extension: { comment: 'optional', tone: 'warning' },
  complete: { comment: 'none', result: true, tone: 'success' },
  confirm: { comment: 'optional', tone: 'success' },
  reject: { comment: 'required', tone: 'danger' },
  supervise: { comment: 'required', level: true, tone: 'danger' },
  follow_up: { comment: 'optional', satisfaction: true, tone: 'primary' },
  archive: { comment: 'optional', tone: 'default' },
  cancel: { comment: 'required', tone: 'danger' },
}

export function actionSpec(action: string): ActionSpec {
  return ACTION_SPECS[action] ?? { comment: 'optional' }
}

export function actionLabel(action: string): string {
  return action in ACTION_SPECS ? t(`cases.action.${action}`) : action
}

/** What the small form holds, whatever the action. */
export interface ActionForm {
  comment: string
  targetUnitId: number | null
  targetDepartmentId: number | null
  days: number | null
  level: 1 | 2 | 3
  satisfaction: SatisfactionKey | ''
  result: string
  /** Photos / videos already uploaded (POST /api/attachments) for this action. */
  attachmentIds: number[]
}

export function emptyActionForm(): ActionForm {
  return { comment: '', targetUnitId: null, targetDepartmentId: null, days: null, level: 1, satisfaction: '', result: '', attachmentIds: [] }
}

/** Field errors the form can show before sending (keys as the server names them). */
export function validateAction(action: string, form: ActionForm): Record<string, string> {
  const spec = actionSpec(action)
  const errors: Record<string, string> = {}
  if (spec.comment === 'required' && !form.comment.trim()) errors.comment = t('cases.form.commentRequired')
  if (spec.target && form.targetUnitId === null && form.targetDepartmentId === null) errors.target_unit_id = t('cases.form.targetRequired')
  if (spec.days && (form.days === null || !Number.isInteger(form.days) || form.days < 1)) errors.days = t('cases.form.daysRequired')
  if (spec.level && ![1, 2, 3].includes(form.level)) errors.level = t('cases.form.levelRequired')
  if (spec.satisfaction && !form.satisfaction) errors.satisfaction = t('cases.form.satisfactionRequired')
  if (spec.result && !form.result.trim()) errors.result = t('cases.form.resultRequired')
  return errors
}

/** The request body: the case's version plus only what this action uses. */
export function actionPayload(action: string, form: ActionForm, version: number): CaseActionIn {
  const spec = actionSpec(action)
  const body: CaseActionIn = { version, comment: spec.comment === 'none' ? '' : form.comment.trim(), result: '', satisfaction: '' }
  if (spec.target) {
    if (form.targetDepartmentId !== null) body.target_department_id = form.targetDepartmentId
    else body.target_unit_id = form.targetUnitId
  }
  if (spec.days) body.days = form.days
  if (spec.level) body.level = form.level
  if (spec.satisfaction && form.satisfaction) body.satisfaction = satisfactionValue(form.satisfaction)
  if (spec.result) body.result = form.result.trim()
  if (form.attachmentIds.length) body.attachment_ids = [...form.attachmentIds]
  return body
}

/** Does this action need a form at all, or is a confirmation enough? */
export function needsForm(action: string): boolean {
  const s = actionSpec(action)
  return s.comment !== 'none' || Boolean(s.target || s.days || s.level || s.satisfaction || s.result)
}

// ---- display ---------------------------------------------------------------------------------

export type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

export function statusTagType(status: CaseStatus | string): TagType {
  switch (status) {
    case 'awaiting_approval':
    case 'pending':
      return 'warning'
    case 'in_progress':
      return 'primary'
    case 'awaiting_confirmation':
      return 'warning'
    case 'completed':
      return 'success'
    case 'returned':
      return 'danger'
    default:
      return 'info'
  }
}

/** Supervision label (normal / yellow card / red card); empty for none. */
export function supervisionLabel(level: number): string {
  return level >= 1 && level <= 3 ? t(`cases.supervision.l${level}`) : ''
}

export function supervisionTagType(level: number): TagType {
  return level >= 3 ? 'danger' : level === 2 ? 'warning' : 'primary'
}

/** The extra facts of a timeline entry (extension days, supervision level, satisfaction) as short texts. */
export function timelineFacts(data: Record<string, unknown>): string[] {
  const out: string[] = []
  if (typeof data.days === 'number') out.push(t('cases.detail.data.days', { n: data.days }))
  if (typeof data.level === 'number') out.push(t('cases.detail.data.level', { level: supervisionLabel(data.level) }))
  if (typeof data.satisfaction === 'string') out.push(t('cases.detail.data.satisfaction', { value: data.satisfaction }))
  return out
}

/** Overdue card from the sweep: 2 yellow, 3 red (1 is merely overdue). */
export function overdueLabel(level: number): string {
  if (level >= 3) return t('cases.overdue.red')
  if (level === 2) return t('cases.overdue.yellow')
  if (level === 1) return t('cases.overdue.late')
  return ''
}

/**
 * An event with this many people or more is a mass incident and needs the approval of the unit
 * above. The server's setting comes with GET /system/config (`mass_incident_threshold`); this
 * default is used only until that has loaded. The server decides either way.
 */
export const MASS_INCIDENT_THRESHOLD = 10

/** A party as the forms hold it. */
export interface PartyRow {
  name: string
  role: string
}

/** Parties worth sending: named ones, trimmed. */
export function cleanParties(rows: readonly PartyRow[]): PartyRow[] {
  return rows.map((p) => ({ name: p.name.trim(), role: p.role.trim() })).filter((p) => p.name !== '')
}

/** `2026-05-01T08:30:00+08:00`: a local time with its offset, as the date pickers write it. */
export function localIso(d: Date = new Date()): string {
  const p = (n: number): string => String(Math.abs(n)).padStart(2, '0')
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    `${sign}${p(Math.trunc(off / 60))}:${p(off % 60)}`
  )
}

/** A position shown beside a case's own on its map (where a photo was taken). */
export interface MapPoint {
  latitude: number
  longitude: number
  label: string
}

/** The positions found in the photos' EXIF, for the case map. */
export function photoPoints(attachments: { name: string; position: Record<string, number> | null }[], label: (name: string) => string): MapPoint[] {
  const out: MapPoint[] = []
  for (const a of attachments) {
    const lat = a.position?.latitude
    const lng = a.position?.longitude
    if (typeof lat === 'number' && typeof lng === 'number') out.push({ latitude: lat, longitude: lng, label: label(a.name) })
  }
  return out
}
