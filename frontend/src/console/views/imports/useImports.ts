/**
 * The import page: upload a spreadsheet to import or compare, follow the job (polled every 1.5 s
 * while queued or running), cancel it, download its rejected rows or comparison report, and the
 * user's recent jobs.
 */
import { onBeforeUnmount, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { saveBlob } from '@/api/http'
import { importsApi } from '@/api/registry'
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
    if (!current || !isActive(current.status)) return
    timer = setTimeout(async () => {
      try {
        job.value = await importsApi.get(current.id, { silent: true })
      } catch {
        /* a lost poll: try again next tick */
      }
      if (job.value && !isActive(job.value.status)) void loadJobs()
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
      job.value = await importsApi.start(file, upload.mode, upload.unit_id, { silent: true })
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
      await ElMessageBox.confirm(t('imports.cancelConfirm'), t('common.confirmTitle'), { type: 'warning' })
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

  onBeforeUnmount(stopPolling)

  return { upload, job, jobs, loadingJobs, loadJobs, pickFile, start, show, cancel, template, download }
}
