/**
 * The meetings page's state: the filters and keyset pages of the list, the form dialog (new or
 * edit, with decisions for joint meetings and dispatches), and the detail drawer.
 *
 * 1. The list reads /api/office/meetings with the filters; withdrawn meetings only when asked.
 * 2. The form sends every field; a refusal puts each message under its field (the 15-day
 *    rule under the meeting time), so the user sees why beside the form.
 * 3. Decisions already made are shown read-only when editing; new ones are added.
 */
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/http'
import {
  JOINT_KINDS,
  meetingsApi,
  type Meeting,
  type MeetingDecision,
  type MeetingFilter,
  type MeetingIn,
  type MeetingKind,
  type MeetingRow,
} from '@/api/meetings'
import { localIso } from '@/shared/cases'
import { t } from '@/shared/i18n'
import { useKeysetList } from '../../../useKeysetList'

export const PAGE_SIZE = 20

export interface MeetingSearch {
  unit: number | null
  dates: [string, string] | null
  kind: MeetingKind | ''
  q: string
  withdrawn: boolean
}

export function emptySearch(): MeetingSearch {
  return { unit: null, dates: null, kind: '', q: '', withdrawn: false }
}

export function toFilter(s: MeetingSearch, cursor: number | null): MeetingFilter {
  return {
    unit: s.unit ?? undefined,
    since: s.dates?.[0] || undefined,
    until: s.dates?.[1] || undefined,
    kind: s.kind || undefined,
    q: s.q.trim() || undefined,
    withdrawn: s.withdrawn || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

export interface DecisionDraft {
  text: string
  holderUnitId: number | null
  holderDepartmentId: number | null
  dueOn: string
}

export interface MeetingFormState {
  visible: boolean
  busy: boolean
  editingId: number | null
  unitId: number | null
  kind: MeetingKind
  category: string
  name: string
  heldAt: string
  location: string
  attendees: string
  topic: string
  content: string
  minutes: string
  decisions: DecisionDraft[]
  existing: MeetingDecision[]
  attachmentIds: number[]
  uploading: boolean
  errors: Record<string, string>
}

function blank(): Omit<MeetingFormState, 'visible' | 'busy'> {
  return {
    editingId: null,
    unitId: null,
    kind: 'regular',
    category: '',
    name: '',
    heldAt: localIso(),
    location: '',
    attendees: '',
    topic: '',
    content: '',
    minutes: '',
    decisions: [],
    existing: [],
    attachmentIds: [],
    uploading: false,
    errors: {},
  }
}

export function isJoint(kind: MeetingKind): boolean {
  return JOINT_KINDS.includes(kind)
}

export function buildBody(s: MeetingFormState): MeetingIn {
  const joint = isJoint(s.kind)
  return {
    unit_id: s.unitId,
    kind: s.kind,
    category: s.category.trim(),
    name: s.name.trim(),
    held_at: s.heldAt,
    location: s.location.trim(),
    attendees: s.attendees.trim(),
    topic: s.topic.trim(),
    content: s.content.trim(),
    minutes: joint ? s.minutes.trim() : '',
    decisions: joint
      ? s.decisions.map((d) => ({
          text: d.text.trim(),
          due_on: d.dueOn || null,
          holder_unit_id: d.holderDepartmentId ? null : d.holderUnitId,
          holder_department_id: d.holderDepartmentId,
        }))
      : [],
    attachment_ids: [...s.attachmentIds],
  }
}

export function useMeetings() {
  const list = useKeysetList<MeetingSearch, MeetingRow>({
    emptySearch,
    fetchPage: (search, cursor) => meetingsApi.list(toFilter(search, cursor)),
    fetchTotal: (search) => meetingsApi.total(toFilter(search, null)),
  })
  const form = reactive<MeetingFormState>({ visible: false, busy: false, ...blank() })
  const detail = ref<Meeting | null>(null)
  const detailOpen = ref(false)
  const entryDays = ref(15)

  async function loadOptions(): Promise<void> {
    try {
      entryDays.value = (await meetingsApi.options()).entry_days
    } catch {
      /* the default stays */
    }
  }

  function openNew(unitId: number | null): void {
    Object.assign(form, blank(), { visible: true, busy: false, unitId })
  }

  function openEdit(m: Meeting): void {
    Object.assign(form, blank(), {
      visible: true,
      busy: false,
      editingId: m.id,
      unitId: m.unit.id,
      kind: m.kind,
      category: m.category,
      name: m.name,
      heldAt: m.held_at,
      location: m.location,
      attendees: m.attendees,
      topic: m.topic,
      content: m.content,
      minutes: m.minutes,
      existing: m.decisions,
    })
  }

  function addDecision(): void {
    form.decisions.push({ text: '', holderUnitId: null, holderDepartmentId: null, dueOn: '' })
  }

  async function openDetail(id: number): Promise<void> {
    detail.value = await meetingsApi.get(id)
    detailOpen.value = true
  }

  async function submit(): Promise<boolean> {
    if (form.uploading) {
      ElMessage.warning(t('attachments.uploadingWait'))
      return false
    }
    form.busy = true
    form.errors = {}
    try {
      const body = buildBody(form)
      const saved = form.editingId
        ? await meetingsApi.update(form.editingId, body, { silent: true })
        : await meetingsApi.create(body, { silent: true })
      ElMessage.success(t('meetings.saved'))
      form.visible = false
      detail.value = saved
      detailOpen.value = true
      await list.reload()
      return true
    } catch (e) {
      if (isApiError(e)) {
        form.errors = e.fieldErrors()
        if (!e.errors.some((x) => x.field)) ElMessage.error(e.message)
      }
      return false
    } finally {
      form.busy = false
    }
  }

  async function withdraw(id: number, reason: string): Promise<void> {
    detail.value = await meetingsApi.withdraw(id, reason)
    ElMessage.success(t('meetings.withdraw.done'))
    await list.reload()
  }

  return { ...list, form, detail, detailOpen, entryDays, loadOptions, openNew, openEdit, addDecision, openDetail, submit, withdraw }
}
