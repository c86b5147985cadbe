/**
 * The "register / edit a resident" dialog. One form for the three kinds: the floating and the
 * overseas sections show only for their kind, and only their fields are sent. The ID number is
 * checked here first (GB 11643), then by the server, whose field errors (all of them at once)
 * land under their fields.
 *
 * Editing: the server keeps the ID number and phone sealed. The form shows them masked and sends
 * the masks back unchanged, which the server reads as "keep the stored number"; typing a new
 * number replaces it. No full number is read, so editing needs no audited look.
 */
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { isApiError } from '@/api/http'
import { residentsApi } from '@/api/registry'
import type { ResidentIn, ResidentKind, ResidentOut, UnitBrief } from '@/api/types'
import { normalizeIdNumber, parseIdNumber } from '@/shared/idcard'
import { t } from '@/shared/i18n'
import { isMasked } from '@/shared/mask'
import { ID_CARD, RESIDENT_FORM, sectionOfKind } from '@/shared/residents'
import { saveForm } from '../../saveForm'

type FormValue<K extends keyof ResidentIn> = K extends 'kind' ? ResidentKind : K extends 'unit_id' | 'latitude' | 'longitude' ? number | null : string

/**
 * What the form edits: every field of ResidentIn, named as the API names it so server errors find
 * their field. Texts, codes and dates (`YYYY-MM-DD`) are strings, empty when not filled in. The
 * position is not edited here; it is kept so an edit does not drop a position set elsewhere.
 */
export type ResidentFields = { [K in keyof ResidentIn]-?: FormValue<K> }

/** The fields of RESIDENT_FORM held as text (all but the unit). */
const TEXT_FIELDS = RESIDENT_FORM.filter((f) => f.input !== 'unit').map((f) => f.name)

export interface ResidentFormState extends ResidentFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  /** The resident being edited; null when registering a new one. */
  editing: ResidentOut | null
  /** Units to name in the unit picker before its tree has loaded. */
  knownUnits: UnitBrief[]
}

export function blankFields(kind: ResidentKind = 'registered', unitId: number | null = null): ResidentFields {
  const text = Object.fromEntries(TEXT_FIELDS.map((name) => [name, '']))
  return { ...text, kind, id_type_code: ID_CARD, unit_id: unitId, latitude: null, longitude: null } as ResidentFields
}

/** The form filled from a resident; the sealed numbers as their masks (sent back = unchanged). */
export function fieldsFrom(r: ResidentOut): ResidentFields {
  const stored = r as unknown as Readonly<Record<string, unknown>>
  const text = Object.fromEntries(TEXT_FIELDS.map((name) => [name, stored[name] ?? '']))
  return {
    ...text,
    kind: r.kind,
    id_type_code: r.id_type_code || ID_CARD,
    id_number: r.id_number_mask,
    phone: r.phone_mask,
    unit_id: r.place[r.place.length - 1]?.id ?? null,
    latitude: r.latitude,
    longitude: r.longitude,
  } as ResidentFields
}

/**
 * The request body. Sex and birth date are left to the server when the document is a resident
 * ID card, code 111 (it reads them from the number); the floating and overseas fields go only
 * with their kind (empty otherwise). Texts are trimmed, empty dates sent as null.
 */
export function buildResidentBody(f: ResidentFields): ResidentIn {
  const idCard = f.id_type_code === ID_CARD
  const body: Record<string, unknown> = { kind: f.kind, unit_id: f.unit_id, latitude: f.latitude, longitude: f.longitude }
  for (const spec of RESIDENT_FORM) {
    if (spec.input === 'unit') continue
    const keep = sectionOfKind(spec.section, f.kind) && !(spec.notIdCard && idCard)
    const v = f[spec.name] as string
    if (spec.input === 'date') body[spec.name] = keep && v ? v : null
    else if (spec.input === 'code') body[spec.name] = keep ? v : ''
    else if (spec.input === 'idNumber') body[spec.name] = isMasked(v) || !idCard ? v.trim() : normalizeIdNumber(v)
    else body[spec.name] = keep ? v.trim() : ''
  }
  return body as ResidentIn
}

/** The form's fields on screen for this kind and ID type (errors for others are shown as a message). */
export function visibleFields(f: Pick<ResidentFields, 'kind' | 'id_type_code'>): Set<string> {
  const idCard = f.id_type_code === ID_CARD
  const shown = RESIDENT_FORM.filter((spec) => sectionOfKind(spec.section, f.kind) && !(spec.notIdCard && idCard))
  return new Set(['kind', ...shown.map((spec) => spec.name)])
}

const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/

function todayKey(today: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
}

/**
 * What the browser can tell before sending; every problem at once, keyed by field. `masks` are
 * the edited resident's masked numbers: sent back as they are, they mean "unchanged" and are not
 * checked here.
 */
export function validateResident(
  f: ResidentFields,
  opts: { creating: boolean; today?: Date; masks?: { id_number: string; phone: string } },
): Record<string, string> {
  const keepId = !!opts.masks?.id_number && f.id_number.trim() === opts.masks.id_number
  const keepPhone = !!opts.masks?.phone && f.phone.trim() === opts.masks.phone
  const errors: Record<string, string> = {}
  const today = todayKey(opts.today ?? new Date())
  if (!f.name.trim()) errors.name = t('residents.error.nameRequired')
  if (!f.id_type_code) errors.id_type_code = t('residents.error.idTypeRequired')
  if (!f.id_number.trim()) {
    errors.id_number = t('residents.error.idNumberRequired')
  } else if (f.id_type_code === ID_CARD && !keepId) {
    const check = parseIdNumber(f.id_number, opts.today)
    if (!check.ok) errors.id_number = t(`residents.idError.${check.problem}`)
  }
  if (f.id_type_code !== ID_CARD) {
    if (!f.sex_code) errors.sex_code = t('residents.error.sexRequired')
    if (!f.birth_date) errors.birth_date = t('residents.error.birthDateRequired')
    else if (f.birth_date > today) errors.birth_date = t('residents.error.birthDateFuture')
  }
  if (f.phone.trim() && !keepPhone && !PHONE.test(f.phone.trim())) errors.phone = t('residents.error.phoneInvalid')
  if (opts.creating && f.unit_id === null && (f.latitude === null || f.longitude === null)) errors.unit_id = t('residents.error.unitRequired')
  if (f.kind === 'floating' && f.permit_issued_on && f.permit_expires_on && f.permit_expires_on < f.permit_issued_on) {
    errors.permit_expires_on = t('residents.error.permitExpiresBeforeIssued')
  }
  if (f.kind === 'overseas') {
    if (!f.nationality_code) errors.nationality_code = t('residents.error.nationalityRequired')
    if (f.arrived_on && f.leaves_on && f.leaves_on < f.arrived_on) errors.leaves_on = t('residents.error.leavesBeforeArrived')
  }
  return errors
}

function blankState(): ResidentFormState {
  return {
    ...blankFields(),
    visible: false,
    busy: false,
    errors: {},
    editing: null,
    knownUnits: [],
  }
}

export function useResidentForm(onSaved: (r: ResidentOut, created: boolean) => void) {
  const form = reactive<ResidentFormState>(blankState())

  /** Register a new resident, in `unit` when given (the grid or village they live in). */
  function openCreate(unit: UnitBrief | null, kind: ResidentKind = 'registered'): void {
    Object.assign(form, blankState(), blankFields(kind, unit?.id ?? null), {
      knownUnits: unit ? [unit] : [],
      visible: true,
    })
  }

  /** Edit `r`: its numbers stay masked unless the user types new ones. */
  function openEdit(r: ResidentOut): void {
    Object.assign(form, blankState(), fieldsFrom(r), {
      editing: r,
      knownUnits: r.place.slice(-1),
      visible: true,
    })
  }

  /** Errors the server sent for fields this form does not show: say them as a message. */
  function reportHiddenErrors(): void {
    const shown = visibleFields(form)
    const hidden = Object.entries(form.errors).filter(([field]) => !shown.has(field))
    if (hidden.length) ElMessage.error(hidden.map(([, message]) => message).join(t('residents.form.listSeparator')))
  }

  async function submit(): Promise<void> {
    const editing = form.editing
    form.errors = validateResident(form, {
      creating: editing === null,
      masks: editing ? { id_number: editing.id_number_mask, phone: editing.phone_mask } : undefined,
    })
    if (Object.keys(form.errors).length > 0) return
    if (editing && editing.phone_mask && !form.phone.trim()) {
      try {
        await ElMessageBox.confirm(t('residents.form.phoneClearConfirm', { phone: editing.phone_mask }), t('common.confirmTitle'), { type: 'warning' })
      } catch {
        return
      }
    }
    const result: { saved: ResidentOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      const body = buildResidentBody(form)
      try {
        result.saved = editing ? await residentsApi.update(editing.id, body, { silent: true }) : await residentsApi.create(body, { silent: true })
      } catch (e) {
        // "already registered" names who and where in its message; the field gets the short form
        if (isApiError(e) && e.status === 409 && e.errors.length > 0) ElMessage.warning(e.message)
        throw e
      }
    })
    if (!ok || result.saved === null) {
      reportHiddenErrors()
      return
    }
    ElMessage.success(t(editing ? 'residents.form.updated' : 'residents.form.created'))
    form.visible = false
    onSaved(result.saved, editing === null)
  }

  return { form, openCreate, openEdit, submit }
}
