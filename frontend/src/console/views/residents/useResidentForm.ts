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
import { ID_CARD } from '@/shared/residents'
import { saveForm } from '../../saveForm'

/** What the form edits, named as the API names it so server errors find their field. */
export interface ResidentFields {
  kind: ResidentKind
  name: string
  former_name: string
  id_type_code: string
  id_number: string
  sex_code: string
  /** `YYYY-MM-DD` or empty; the same for every date below. */
  birth_date: string
  ethnicity_code: string
  native_place: string
  marital_code: string
  political_code: string
  education_code: string
  religion_code: string
  occupation: string
  phone: string
  unit_id: number | null
  household_address: string
  current_address: string
  household_number: string
  relation_code: string
  permit_type: string
  permit_number: string
  permit_issued_on: string
  permit_expires_on: string
  residence_type: string
  reason_for_moving: string
  foreign_name: string
  nationality_code: string
  purpose: string
  arrived_on: string
  leaves_on: string
  /** Not edited here; kept so an edit does not drop a position set elsewhere. */
  latitude: number | null
  longitude: number | null
}

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
  return {
    kind,
    name: '',
    former_name: '',
    id_type_code: ID_CARD,
    id_number: '',
    sex_code: '',
    birth_date: '',
    ethnicity_code: '',
    native_place: '',
    marital_code: '',
    political_code: '',
    education_code: '',
    religion_code: '',
    occupation: '',
    phone: '',
    unit_id: unitId,
    household_address: '',
    current_address: '',
    household_number: '',
    relation_code: '',
    permit_type: '',
    permit_number: '',
    permit_issued_on: '',
    permit_expires_on: '',
    residence_type: '',
    reason_for_moving: '',
    foreign_name: '',
    nationality_code: '',
    purpose: '',
    arrived_on: '',
    leaves_on: '',
    latitude: null,
    longitude: null,
  }
}

/** The form filled from a resident; the sealed numbers as their masks (sent back = unchanged). */
export function fieldsFrom(r: ResidentOut): ResidentFields {
  const last = r.place[r.place.length - 1]
  return {
    kind: r.kind,
    name: r.name,
    former_name: r.former_name,
    id_type_code: r.id_type_code || ID_CARD,
    id_number: r.id_number_mask,
    sex_code: r.sex_code,
    birth_date: r.birth_date ?? '',
    ethnicity_code: r.ethnicity_code,
    native_place: r.native_place,
    marital_code: r.marital_code,
    political_code: r.political_code,
    education_code: r.education_code,
    religion_code: r.religion_code,
    occupation: r.occupation,
    phone: r.phone_mask,
    unit_id: last?.id ?? null,
    household_address: r.household_address,
    current_address: r.current_address,
    household_number: r.household_number,
    relation_code: r.relation_code,
    permit_type: r.permit_type,
    permit_number: r.permit_number,
    permit_issued_on: r.permit_issued_on ?? '',
    permit_expires_on: r.permit_expires_on ?? '',
    residence_type: r.residence_type,
    reason_for_moving: r.reason_for_moving,
    foreign_name: r.foreign_name,
    nationality_code: r.nationality_code,
    purpose: r.purpose,
    arrived_on: r.arrived_on ?? '',
    leaves_on: r.leaves_on ?? '',
    latitude: r.latitude,
    longitude: r.longitude,
  }
}

const orNull = (s: string): string | null => (s ? s : null)

/**
 * The request body. Sex and birth date are left to the server when the document is a resident
 * ID card, code 111 (it reads them from the number); the floating and overseas fields go only
 * with their kind.
 */
export function buildResidentBody(f: ResidentFields): ResidentIn {
  const idCard = f.id_type_code === ID_CARD
  const idNumber = isMasked(f.id_number) ? f.id_number.trim() : idCard ? normalizeIdNumber(f.id_number) : f.id_number.trim()
  const floating = f.kind === 'floating'
  const overseas = f.kind === 'overseas'
  const text = (s: string, keep = true): string => (keep ? s.trim() : '')
  const day = (s: string, keep = true): string | null => (keep ? orNull(s) : null)
  return {
    kind: f.kind,
    name: text(f.name),
    former_name: text(f.former_name),
    id_type_code: f.id_type_code,
    id_number: idNumber,
    sex_code: idCard ? '' : f.sex_code,
    birth_date: idCard ? null : orNull(f.birth_date),
    ethnicity_code: f.ethnicity_code,
    native_place: text(f.native_place),
    marital_code: f.marital_code,
    political_code: f.political_code,
    education_code: f.education_code,
    religion_code: f.religion_code,
    occupation: text(f.occupation),
    phone: text(f.phone),
    unit_id: f.unit_id,
    household_address: text(f.household_address),
    current_address: text(f.current_address),
    household_number: text(f.household_number),
    relation_code: f.relation_code,
    permit_type: text(f.permit_type, floating),
    permit_number: text(f.permit_number, floating),
    permit_issued_on: day(f.permit_issued_on, floating),
    permit_expires_on: day(f.permit_expires_on, floating),
    residence_type: text(f.residence_type, floating),
    reason_for_moving: text(f.reason_for_moving, floating),
    foreign_name: text(f.foreign_name, overseas),
    nationality_code: overseas ? f.nationality_code : '',
    purpose: text(f.purpose, overseas),
    arrived_on: day(f.arrived_on, overseas),
    leaves_on: day(f.leaves_on, overseas),
    latitude: f.latitude,
    longitude: f.longitude,
  }
}

/** The form's fields on screen for this kind and ID type (errors for others are shown as a message). */
export function visibleFields(f: Pick<ResidentFields, 'kind' | 'id_type_code'>): Set<string> {
  const names = [
    'kind',
    'name',
    'former_name',
    'id_type_code',
    'id_number',
    'ethnicity_code',
    'native_place',
    'marital_code',
    'political_code',
    'education_code',
    'religion_code',
    'occupation',
    'phone',
    'unit_id',
    'household_address',
    'current_address',
    'household_number',
    'relation_code',
  ]
  if (f.id_type_code !== ID_CARD) names.push('sex_code', 'birth_date')
  if (f.kind === 'floating') names.push('permit_type', 'permit_number', 'permit_issued_on', 'permit_expires_on', 'residence_type', 'reason_for_moving')
  if (f.kind === 'overseas') names.push('foreign_name', 'nationality_code', 'purpose', 'arrived_on', 'leaves_on')
  return new Set(names)
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
