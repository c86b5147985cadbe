/**
 * The "new case" dialog: one form for every kind of case, each kind showing its own fields
 * (zongzhi/cases/kinds.py). Field errors from the server land under their fields.
 */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { casesApi } from '@/api/cases'
import { isApiError } from '@/api/http'
import type { CaseCreatedOut, CaseCreateIn, CaseKind, CaseUrgency } from '@/api/types'
import { cleanParties, localIso, type PartyRow } from '@/shared/cases'
import { t } from '@/shared/i18n'

export type RequestTypeKey = 'ask' | 'help'
export type PetitionFormKey = 'letter' | 'visit' | 'online' | 'phone'
export const PETITION_FORMS: readonly PetitionFormKey[] = ['letter', 'visit', 'online', 'phone']

export interface CaseFormState {
  visible: boolean
  busy: boolean
  kind: CaseKind
  categoryCode: string
  title: string
  description: string
  occurredAt: string
  peopleCount: number
  parties: PartyRow[]
  address: string
  urgency: CaseUrgency
  isMajor: boolean
  targetMode: 'unit' | 'department'
  targetUnitId: number | null
  targetDepartmentId: number | null
  dueDate: string
  requirements: string
  requestType: RequestTypeKey
  hazard: string
  measures: string
  funds: string
  contingencyPlan: string
  petitionForm: PetitionFormKey
  petitionerName: string
  petitionerCount: number
  /** Photos / videos uploaded for the new case. */
  attachmentIds: number[]
  /** A file is still uploading: the case waits for it. */
  uploading: boolean
  errors: Record<string, string>
}

function blank(kind: CaseKind): Omit<CaseFormState, 'visible' | 'busy'> {
  return {
    kind,
    categoryCode: '',
    title: '',
    description: '',
    occurredAt: localIso(),
    peopleCount: kind === 'event' ? 2 : 0,
    parties: kind === 'event' ? [{ name: '', role: '' }, { name: '', role: '' }] : [],
    address: '',
    urgency: 'normal',
    isMajor: false,
    targetMode: 'unit',
    targetUnitId: null,
    targetDepartmentId: null,
    dueDate: '',
    requirements: '',
    requestType: 'ask',
    hazard: '',
    measures: '',
    funds: '',
    contingencyPlan: '',
    petitionForm: 'visit',
    petitionerName: '',
    petitionerCount: 1,
    attachmentIds: [],
    uploading: false,
    errors: {},
  }
}

/** The kinds that name a unit below and a deadline set by the sender. */
export const SENT_DOWN: readonly CaseKind[] = ['task', 'rectification']

/** The request body for the kind being created; fields other kinds use are left out. */
export function buildCreateBody(s: Omit<CaseFormState, 'visible' | 'busy' | 'errors' | 'attachmentIds' | 'uploading'> & { attachmentIds?: number[] }): CaseCreateIn {
  const body: CaseCreateIn = {
    kind: s.kind,
    title: s.title.trim(),
    description: s.description.trim(),
    category_code: '',
    urgency: s.urgency,
    is_major: s.isMajor,
    people_count: 0,
    address: '',
    details: {},
  }
  switch (s.kind) {
    case 'event':
      body.category_code = s.categoryCode
      body.occurred_at = s.occurredAt || null
      body.people_count = s.peopleCount
      body.parties = cleanParties(s.parties)
      body.address = s.address.trim()
      break
    case 'task':
    case 'rectification':
      if (s.targetMode === 'department') body.target_department_id = s.targetDepartmentId
      else body.target_unit_id = s.targetUnitId
      body.due_date = s.dueDate || null
      body.details =
        s.kind === 'task'
          ? { requirements: s.requirements.trim() }
          : { hazard: s.hazard.trim(), measures: s.measures.trim(), funds: s.funds.trim(), contingency_plan: s.contingencyPlan.trim() }
      break
    case 'request':
      body.due_date = s.dueDate || null
      body.details = { request_type: t(`cases.requestType.${s.requestType}`) }
      break
    case 'petition':
      body.category_code = s.categoryCode
      body.occurred_at = s.occurredAt || null
      body.parties = cleanParties(s.parties)
      body.address = s.address.trim()
      body.details = {
        form: t(`cases.petitionForm.${s.petitionForm}`),
        petitioner_name: s.petitionerName.trim(),
        petitioner_count: s.petitionerCount,
      }
      break
  }
  if (s.attachmentIds?.length) body.attachment_ids = [...s.attachmentIds]
  return body
}

/** `onCreated` gets the new case's list row (the create response is light; the page reloads the detail). */
export function useCaseForm(onCreated: (c: CaseCreatedOut['case']) => void) {
  const form = reactive<CaseFormState>({ visible: false, busy: false, ...blank('event') })

  function open(kind: CaseKind): void {
    Object.assign(form, blank(kind), { visible: true, busy: false })
  }

  async function submit(): Promise<void> {
    if (form.uploading) {
      ElMessage.warning(t('attachments.uploadingWait'))
      return
    }
    form.busy = true
    form.errors = {}
    try {
      const res = await casesApi.create(buildCreateBody(form), { silent: true })
      ElMessage.success(t(res.created ? 'cases.form.created' : 'cases.form.existed', { number: res.case.number ?? '' }))
      form.visible = false
      onCreated(res.case)
    } catch (e) {
      if (isApiError(e)) {
        form.errors = e.fieldErrors()
        if (e.errors.length === 0 || !e.errors.some((x) => x.field)) ElMessage.error(e.message)
      }
    } finally {
      form.busy = false
    }
  }

  return { form, open, submit }
}
