/**
 * Export requests: ask for a unit's records (the unit above approves), the requester's own list
 * with downloads until the file expires, and the approver's list with approve / refuse.
 */
import { reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { saveBlob } from '@/api/http'
import { MAX_LENGTH } from '@/api/limits'
import { exportsApi } from '@/api/registry'
import type { ExportIn, ExportKind, ExportOut, ResidentKind } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'

export const EXPORT_KINDS: readonly ExportKind[] = ['residents', 'key_persons', 'care']
export const REASON_MAX = MAX_LENGTH.ExportIn.reason
export const NOTE_MAX = MAX_LENGTH.DecisionIn.note
export const GENERATING_POLL_MS = 2000

export interface ExportFields {
  kind: ExportKind
  unit_id: number | null
  resident_kind: ResidentKind | ''
  full_id_numbers: boolean
  reason: string
}

export function validateExport(f: ExportFields): Record<string, string> {
  const errors: Record<string, string> = {}
  if (f.unit_id === null) errors.unit_id = t('exports.unitRequired')
  if (!f.reason.trim()) errors.reason = t('exports.reasonRequired')
  return errors
}

export function buildExportBody(f: ExportFields): ExportIn {
  return {
    kind: f.kind,
    unit_id: f.unit_id ?? 0,
    resident_kind: f.kind === 'residents' ? f.resident_kind : '',
    full_id_numbers: f.full_id_numbers,
    reason: f.reason.trim(),
  }
}

/** How long an approved file stays downloadable, in words; empty without an expiry. */
export function expiresText(expiresAt: string | null, now: Date = new Date()): string {
  if (!expiresAt) return ''
  const ms = new Date(expiresAt).getTime() - now.getTime()
  if (Number.isNaN(ms)) return ''
  if (ms <= 0) return t('exports.expired')
  const minutes = Math.ceil(ms / 60000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h > 0 ? t('exports.expiresIn', { h, m }) : t('exports.expiresInMinutes', { m })
}

export function exportStatusType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'ready':
      return 'success'
    case 'pending':
      return 'warning'
    case 'approved':
      return 'primary'
    case 'refused':
    case 'failed':
      return 'danger'
    default:
      return 'info'
  }
}

export function useExports(defaultUnit: () => number | null) {
  const form = reactive<ExportFields & { busy: boolean; errors: Record<string, string> }>({
    kind: 'residents',
    unit_id: defaultUnit(),
    resident_kind: '',
    full_id_numbers: false,
    reason: '',
    busy: false,
    errors: {},
  })
  const mine = ref<ExportOut[]>([])
  const approve = ref<ExportOut[]>([])
  const loading = ref(false)
  /** Ticks once a minute so the expiry texts count down. */
  const now = ref(new Date())

  let again: ReturnType<typeof setTimeout> | null = null

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [a, b] = await Promise.all([exportsApi.list('mine'), exportsApi.list('approve')])
      mine.value = a
      approve.value = b
      now.value = new Date()
    } finally {
      loading.value = false
    }
    // An approved request's file is being built: look again shortly.
    if (again !== null) clearTimeout(again)
    again = mine.value.some((r) => r.status === 'approved') ? setTimeout(() => void load(), GENERATING_POLL_MS) : null
  }

  function stop(): void {
    if (again !== null) clearTimeout(again)
    again = null
  }

  async function submit(): Promise<void> {
    form.errors = validateExport(form)
    if (Object.keys(form.errors).length > 0) return
    const ok = await saveForm(form, async () => {
      await exportsApi.request(buildExportBody(form), { silent: true })
    })
    if (!ok) return
    ElMessage.success(t('exports.submitted'))
    form.reason = ''
    form.full_id_numbers = false
    await load()
  }

  async function download(r: ExportOut): Promise<void> {
    saveBlob(await exportsApi.file(r.id), t('exports.fileName', { id: r.id }))
    await load()
  }

  async function decide(r: ExportOut, approveIt: boolean): Promise<void> {
    let note: string
    try {
      const answer = await ElMessageBox.prompt(
        t('exports.decideMessage', { who: r.requested_by, unit: r.unit_name, kind: r.kind_label, reason: r.reason }),
        t(approveIt ? 'exports.approveTitle' : 'exports.refuseTitle'),
        {
          inputType: 'textarea',
          inputPlaceholder: t(approveIt ? 'exports.notePlaceholder' : 'exports.refuseNotePlaceholder'),
          inputValidator: (v: string) => {
            const s = (v ?? '').trim()
            if (!approveIt && !s) return t('exports.refuseNoteRequired')
            if (s.length > NOTE_MAX) return t('residents.detail.retireReasonTooLong', { n: NOTE_MAX })
            return true
          },
          confirmButtonText: t(approveIt ? 'exports.approveAction' : 'exports.refuseAction'),
          confirmButtonClass: approveIt ? 'el-button--primary' : 'el-button--danger',
        },
      )
      note = (answer.value ?? '').trim()
    } catch {
      return
    }
    try {
      await (approveIt ? exportsApi.approve(r.id, note) : exportsApi.refuse(r.id, note))
      ElMessage.success(t(approveIt ? 'exports.approved' : 'exports.refused'))
    } finally {
      await load()
    }
  }

  async function withdraw(r: ExportOut): Promise<void> {
    await exportsApi.withdraw(r.id)
    ElMessage.success(t('exports.withdrawn'))
    await load()
  }

  return { form, mine, approve, loading, now, load, stop, submit, download, decide, withdraw }
}
