/** The terminals register page's state: the list and its filters, the drawer, the register form and the step dialog. */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import {
  terminalsApi,
  type CandidateOut,
  type TerminalDetail,
  type TerminalKind,
  type TerminalOut,
  type TerminalStatus,
  type TerminalStep,
} from '@/api/terminals'
import type { UnitBrief } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../../saveForm'

export type StepKind = TerminalStep | 'issue' | 'handover'
/** Steps whose note is required by the server. */
export const NOTE_REQUIRED: readonly StepKind[] = ['handover', 'lost', 'retire']

/** The steps a terminal in this status offers. */
export function stepsFor(status: TerminalStatus): StepKind[] {
  switch (status) {
    case 'in_stock':
      return ['issue', 'retire']
    case 'issued':
      return ['handover', 'return', 'lost']
    case 'lost':
      return ['found', 'retire']
    default:
      return []
  }
}

export function useTerminals(home: () => UnitBrief | null) {
  const search = reactive({
    unit: null as number | null,
    kind: '' as TerminalKind | '',
    status: '' as TerminalStatus | '',
    q: '',
  })
  const rows = ref<TerminalOut[]>([])
  const count = ref(0)
  const page = ref(1)
  const pageSize = 20
  const loading = ref(false)
  const detail = shallowRef<TerminalDetail | null>(null)

  async function reload(): Promise<void> {
    loading.value = true
    try {
      const r = await terminalsApi.list({
        unit: search.unit ?? undefined,
        kind: search.kind || undefined,
        status: search.status || undefined,
        q: search.q || undefined,
        limit: pageSize,
        offset: (page.value - 1) * pageSize,
      })
      rows.value = r.items
      count.value = r.count
    } finally {
      loading.value = false
    }
  }

  function reset(): void {
    Object.assign(search, { unit: null, kind: '', status: '', q: '' })
    page.value = 1
  }

  async function open(row: TerminalOut): Promise<void> {
    detail.value = await terminalsApi.get(row.id)
  }

  // --- register
  const form = reactive({
    visible: false,
    busy: false,
    errors: {} as Record<string, string>,
    unit_id: null as number | null,
    kind: 'phone' as TerminalKind,
    asset_number: '',
    model_name: '',
    serial: '',
    sim_number: '',
    note: '',
  })

  function openNew(): void {
    Object.assign(form, {
      visible: true,
      errors: {},
      unit_id: home()?.id ?? null,
      kind: 'phone',
      asset_number: '',
      model_name: '',
      serial: '',
      sim_number: '',
      note: '',
    })
  }

  async function submit(): Promise<void> {
    const ok = await saveForm(form, async () => {
      const saved = await terminalsApi.register(
        {
          unit_id: form.unit_id,
          kind: form.kind,
          asset_number: form.asset_number,
          model_name: form.model_name,
          serial: form.serial,
          sim_number: form.sim_number,
          note: form.note,
        },
        { silent: true },
      )
      ElMessage.success(t('terminals.registered', { asset: saved.asset_number }))
      detail.value = saved
    })
    if (ok) {
      form.visible = false
      await reload()
    }
  }

  // --- a step (issue, hand over, return, lost, found, retire)
  const step = reactive({
    visible: false,
    busy: false,
    errors: {} as Record<string, string>,
    kind: 'issue' as StepKind,
    user_id: null as number | null,
    note: '',
  })
  const candidates = ref<CandidateOut[]>([])

  async function openStep(kind: StepKind): Promise<void> {
    const d = detail.value
    if (!d) return
    Object.assign(step, { visible: true, errors: {}, kind, user_id: null, note: '' })
    candidates.value = []
    if (kind === 'issue' || kind === 'handover') {
      candidates.value = (await terminalsApi.candidates(d.unit.id)).filter((c) => c.id !== d.holder?.id)
    }
  }

  async function submitStep(): Promise<void> {
    const d = detail.value
    if (!d) return
    if ((step.kind === 'issue' || step.kind === 'handover') && step.user_id === null) {
      step.errors = { user_id: t('common.required') }
      return
    }
    if (NOTE_REQUIRED.includes(step.kind) && !step.note.trim()) {
      step.errors = { note: t('common.required') }
      return
    }
    const ok = await saveForm(step, async () => {
      const opts = { silent: true }
      if (step.kind === 'issue') detail.value = await terminalsApi.issue(d.id, step.user_id ?? 0, step.note, opts)
      else if (step.kind === 'handover') detail.value = await terminalsApi.handover(d.id, step.user_id ?? 0, step.note, opts)
      else detail.value = await terminalsApi.step(d.id, step.kind, step.note, opts)
      ElMessage.success(t('terminals.done', { action: t(`terminals.actions.${step.kind}`), asset: d.asset_number }))
    })
    if (ok) {
      step.visible = false
      await reload()
    }
  }

  return { search, rows, count, page, pageSize, loading, detail, reload, reset, open, form, openNew, submit, step, candidates, openStep, submitStep }
}
