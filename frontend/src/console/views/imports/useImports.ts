/**
 * The import page: upload a spreadsheet to import or compare, confirm its columns (the job waits
 * in `review`, see useColumnReview), follow the job (polled every 1.5 s while queued or running), cancel it, download its rejected rows or comparison report, and the
 * user's recent jobs. A comparison's report gives the count of the registered people missing from
 * the file; their list is an export request the unit above approves, asked for and downloaded here.
 */
import { onBeforeUnmount, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { saveBlob } from '@/api/http'
import { MAX_LENGTH } from '@/api/limits'
import { exportsApi, importsApi } from '@/api/registry'
import type { ImportJob, ImportMode, ImportStatus } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'

export const POLL_MS = 1500
export const ACCEPT = '.xlsx,.csv'

export function isActive(status: ImportStatus): boolean {
  return status === 'queued' || status === 'running'
}

/** Percent of rows processed (0 while the row count is not known yet). */
export function progressPercent(job: Pick<ImportJob, 'processed_rows' | 'total_rows' | 'status'>): number {
  if (job.status === 'done') return 100
  if (job.total_rows <= 0) return 0
  return Math.min(100, Math.floor((job.processed_rows / job.total_rows) * 100))
}

/** The wizard's step a job is at: 0 reading the uploaded file's head, 1 columns to confirm,
 * 2 importing or comparing, 4 ended. */
export function wizardStep(job: Pick<ImportJob, 'status' | 'needs_review'>): number {
  switch (job.status) {
    case 'review':
      return 1
    case 'done':
    case 'failed':
    case 'cancelled':
      return 4
    default:
      return job.needs_review ? 0 : 2
  }
}

export function acceptedFile(name: string): boolean {
  return /\.(xlsx|csv)$/i.test(name.trim())
}

/** The comparison's counts from a job's `report` (missing keys read as 0). */
export interface CompareCounts {
  new: number
  /** Of the new people, those whose row an import would refuse. */
  newInvalid: number
  changed: number
  missing: number
  /** People of the file registered in another jurisdiction (an import skips them). */
  elsewhere: number
}

export function compareCounts(report: Readonly<Record<string, unknown>>): CompareCounts {
  const n = (k: string): number => (typeof report[k] === 'number' ? (report[k] as number) : 0)
  return { new: n('new'), newInvalid: n('new_invalid'), changed: n('changed'), missing: n('missing'), elsewhere: n('elsewhere') }
}

/** What the page offers for the list of the registered people missing from a compared file. */
export type MissingListState =
  /** not a finished comparison, or nobody is missing */
  | 'none'
  /** may be asked for (no request yet, or the last one refused, withdrawn, failed or expired) */
  | 'request'
  /** waiting for the unit above */
  | 'pending'
  /** approved, the file is being made */
  | 'generating'
  /** ready to download */
  | 'ready'
  /** the comparison's files are past their time: compare again */
  | 'expired'

type MissingListJob = Pick<ImportJob, 'mode' | 'status' | 'report' | 'has_missing_list' | 'missing_export'>

export function missingListState(job: MissingListJob): MissingListState {
  if (job.mode !== 'compare' || job.status !== 'done' || compareCounts(job.report).missing === 0) return 'none'
  const last = job.missing_export
  if (last?.status === 'pending') return 'pending'
  if (last?.status === 'approved') return 'generating'
  if (last?.status === 'ready' && last.can_download) return 'ready'
  return job.has_missing_list ? 'request' : 'expired'
}

/** Polled while it runs, and while its missing list is being made after approval. */
export function needsPolling(job: Pick<ImportJob, 'status' | 'missing_export'>): boolean {
  return isActive(job.status) || job.missing_export?.status === 'approved'
}

export const MISSING_REASON_MIN = 4
export const MISSING_REASON_MAX = MAX_LENGTH.MissingListIn.reason

/** The prompt's check of the purpose given for the missing list (the server checks it too). */
export function missingReasonCheck(reason: string): true | string {
  const n = reason.trim().length
  return n >= MISSING_REASON_MIN && n <= MISSING_REASON_MAX
    ? true
    : t('imports.missing.reasonLength', { min: MISSING_REASON_MIN, max: MISSING_REASON_MAX })
}

export function statusTagType(status: ImportStatus): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'done':
      return 'success'
    case 'failed':
      return 'danger'
    case 'cancelled':
      return 'info'
    case 'running':
      return 'primary'
    default:
      return 'warning'
  }
}

export interface UploadState {
  file: File | null
  mode: ImportMode
  unit_id: number | null
  busy: boolean
  errors: Record<string, string>
}

export function useImports(defaultUnit: () => number | null) {
  const upload = reactive<UploadState>({ file: null, mode: 'import', unit_id: defaultUnit(), busy: false, errors: {} })
  const job = ref<ImportJob | null>(null)
  const jobs = ref<ImportJob[]>([])
  const loadingJobs = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  function stopPolling(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function poll(): void {
    stopPolling()
    const current = job.value
    if (!current || !needsPolling(current)) return
    timer = setTimeout(async () => {
      try {
        job.value = await importsApi.get(current.id, { silent: true })
      } catch {
        /* a lost poll: try again next tick */
      }
      if (job.value && !needsPolling(job.value)) void loadJobs()
      poll()
    }, POLL_MS)
  }

  async function loadJobs(): Promise<void> {
    loadingJobs.value = true
    try {
      jobs.value = await importsApi.list()
    } finally {
      loadingJobs.value = false
    }
  }

  function pickFile(file: File | null): void {
    upload.errors = {}
    if (file && !acceptedFile(file.name)) {
      upload.errors.file = t('imports.badFile')
      upload.file = null
      return
    }
    upload.file = file
  }

  async function start(): Promise<void> {
    const file = upload.file
    if (!file) {
      upload.errors = { file: t('imports.noFile') }
      return
    }
    const ok = await saveForm(upload, async () => {
      job.value = await importsApi.start(file, upload.mode, upload.unit_id, true, { silent: true })
    })
    if (ok) {
      ElMessage.success(t('imports.started'))
      upload.file = null
      void loadJobs()
      poll()
    }
  }

  /** Follow a job from the recent list. */
  function show(j: ImportJob): void {
    job.value = j
    poll()
  }

  async function cancel(): Promise<void> {
    const current = job.value
    if (!current) return
    try {
      const message = current.status === 'review' ? t('imports.review.cancelConfirm') : t('imports.cancelConfirm')
      await ElMessageBox.confirm(message, t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    job.value = await importsApi.cancel(current.id)
    void loadJobs()
  }

  async function template(): Promise<void> {
    saveBlob(await importsApi.template(), t('imports.templateName'))
  }

  async function download(j: ImportJob, which: 'rejects' | 'report'): Promise<void> {
    const blob = which === 'rejects' ? await importsApi.rejects(j.id) : await importsApi.report(j.id)
    saveBlob(blob, t(which === 'rejects' ? 'imports.rejectsName' : 'imports.reportName', { id: j.id }))
  }

  /** The columns were confirmed: follow the job again. */
  function confirmed(next: ImportJob): void {
    job.value = next
    void loadJobs()
    poll()
  }

  async function refresh(id: number): Promise<void> {
    job.value = await importsApi.get(id)
    void loadJobs()
    poll()
  }

  /** Ask the unit above for the list of the people missing from the compared file. */
  async function requestMissing(): Promise<void> {
    const current = job.value
    if (!current) return
    let reason: string
    try {
      const answer = await ElMessageBox.prompt(
        t('imports.missing.requestMessage', { n: compareCounts(current.report).missing }),
        t('imports.missing.requestTitle'),
        {
          inputType: 'textarea',
          inputPlaceholder: t('imports.missing.reasonPlaceholder'),
          inputValidator: (v: string) => missingReasonCheck(v ?? ''),
          confirmButtonText: t('common.submit'),
        },
      )
      reason = (answer.value ?? '').trim()
    } catch {
      return
    }
    await importsApi.missingList(current.id, { reason, full_id_numbers: false })
    ElMessage.success(t('imports.missing.requested'))
    await refresh(current.id)
  }

  /** The approved, watermarked list (each download is audited). */
  async function downloadMissing(): Promise<void> {
    const current = job.value
    const approved = current?.missing_export
    if (!current || !approved) return
    saveBlob(await exportsApi.file(approved.id), t('imports.missing.fileName', { id: approved.id }))
    await refresh(current.id)
  }

  onBeforeUnmount(stopPolling)

  return {
    upload,
    job,
    jobs,
    loadingJobs,
    loadJobs,
    pickFile,
    start,
    show,
    cancel,
    template,
    download,
    requestMissing,
    downloadMissing,
    confirmed,
  }
}
