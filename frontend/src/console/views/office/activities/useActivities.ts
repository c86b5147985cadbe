/** The activity ledger page: the keyset list with its filters, the record form and withdrawal. */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { askReason } from '../shared/askReason'
import { activitiesApi, type ActivityKind, type ActivityOut, type ActivityQuery } from '@/api/activities'
import type { UnitBrief } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../../saveForm'
import { useKeysetList } from '../../../useKeysetList'

export interface ActivitySearch {
  unit: number | null
  kind: ActivityKind | null
  dates: [string, string] | null
  q: string
  status: 'all' | 'active' | 'withdrawn'
}

export interface ActivityFormState {
  visible: boolean
  busy: boolean
  uploading: boolean
  activity: ActivityOut | null
  unitId: number | null
  known: UnitBrief[]
  kind: ActivityKind
  name: string
  held_on: string | null
  location: string
  topic: string
  content: string
  attachmentIds: number[]
  errors: Record<string, string>
}

function query(s: ActivitySearch, cursor: number | null): ActivityQuery {
  return {
    unit: s.unit ?? undefined,
    kind: s.kind ?? undefined,
    since: s.dates?.[0],
    until: s.dates?.[1],
    q: s.q || undefined,
    withdrawn: s.status,
    cursor: cursor ?? undefined,
  }
}

export function useActivities(home: () => UnitBrief | null) {
  const list = useKeysetList<ActivitySearch, ActivityOut>({
    emptySearch: () => ({ unit: home()?.id ?? null, kind: null, dates: null, q: '', status: 'all' }),
    fetchPage: (s, cursor) => activitiesApi.list(query(s, cursor)),
    fetchTotal: (s) => activitiesApi.total(query(s, null)),
  })

  const form = reactive<ActivityFormState>({
    visible: false,
    busy: false,
    uploading: false,
    activity: null,
    unitId: null,
    known: [],
    kind: 'special',
    name: '',
    held_on: null,
    location: '',
    topic: '',
    content: '',
    attachmentIds: [],
    errors: {},
  })

  function openNew(): void {
    const unit = home()
    Object.assign(form, {
      visible: true,
      activity: null,
      unitId: unit?.id ?? null,
      known: unit ? [unit] : [],
      kind: 'special',
      name: '',
      held_on: null,
      location: '',
      topic: '',
      content: '',
      attachmentIds: [],
      errors: {},
    })
  }

  function openEdit(a: ActivityOut): void {
    Object.assign(form, {
      visible: true,
      activity: a,
      unitId: a.unit.id,
      known: [a.unit],
      kind: a.kind,
      name: a.name,
      held_on: a.held_on,
      location: a.location,
      topic: a.topic,
      content: a.content,
      attachmentIds: [],
      errors: {},
    })
  }

  function onKind(kind: ActivityKind): void {
    if (kind === 'patrol' && !form.name) form.name = t('activities.kinds.patrol')
    if (kind === 'village_affairs' && !form.name) form.name = t('activities.kinds.village_affairs')
  }

  async function submit(): Promise<ActivityOut | null> {
    let saved: ActivityOut | null = null
    const body = {
      unit_id: form.unitId,
      kind: form.kind,
      name: form.name,
      held_on: form.held_on ?? '',
      location: form.location,
      topic: form.topic,
      content: form.content,
      attachment_ids: form.attachmentIds,
    }
    const ok = await saveForm(form, async () => {
      saved = form.activity
        ? await activitiesApi.update(form.activity.id, body, { silent: true })
        : await activitiesApi.create(body, { silent: true })
    })
    if (ok) {
      form.visible = false
      ElMessage.success(t('activities.saved'))
      await list.reload()
    }
    return saved
  }

  async function withdraw(a: ActivityOut): Promise<ActivityOut | null> {
    const reason = await askReason({
      message: t('activities.withdrawPrompt'),
      title: t('activities.withdrawTitle'),
      placeholder: t('activities.withdrawReason'),
      confirm: t('activities.withdraw'),
    })
    if (!reason) return null
    const done = await activitiesApi.withdraw(a.id, reason)
    ElMessage.success(t('activities.withdrawnDone'))
    await list.reload()
    return done
  }

  return { list, form, openNew, openEdit, onKind, submit, withdraw }
}
