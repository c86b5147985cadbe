/**
 * The work log page's state: filters and keyset pages, the write/edit dialog, the convert
 * dialog (an event case of the log's unit, once) and withdrawal with a reason.
 */
import { reactive, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { dictionaryApi } from '@/api/dictionary'
import { isApiError } from '@/api/http'
import { workLogsApi, type WorkLog, type WorkLogFilter } from '@/api/meetings'
import type { DictItemOut } from '@/api/types'
import { t } from '@/shared/i18n'
import { useKeysetList } from '../../../useKeysetList'

export const PAGE_SIZE = 20

export interface WorkLogSearch {
  unit: number | null
  dates: [string, string] | null
  q: string
  mine: boolean
  withdrawn: boolean
}

export function emptySearch(): WorkLogSearch {
  return { unit: null, dates: null, q: '', mine: false, withdrawn: false }
}

export function toFilter(s: WorkLogSearch, cursor: number | null): WorkLogFilter {
  return {
    unit: s.unit ?? undefined,
    since: s.dates?.[0] || undefined,
    until: s.dates?.[1] || undefined,
    q: s.q.trim() || undefined,
    mine: s.mine || undefined,
    withdrawn: s.withdrawn || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

export interface WorkLogFormState {
  visible: boolean
  busy: boolean
  editingId: number | null
  loggedOn: string
  title: string
  content: string
  attachmentIds: number[]
  uploading: boolean
  errors: Record<string, string>
}

export interface ConvertState {
  visible: boolean
  busy: boolean
  log: WorkLog | null
  categoryCode: string
  errors: Record<string, string>
}

function today(): string {
  const d = new Date()
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

export function useWorkLogs() {
  const list = useKeysetList<WorkLogSearch, WorkLog>({
    emptySearch,
    fetchPage: (search, cursor) => workLogsApi.list(toFilter(search, cursor)),
    fetchTotal: (search) => workLogsApi.total(toFilter(search, null)),
  })
  const form = reactive<WorkLogFormState>({
    visible: false,
    busy: false,
    editingId: null,
    loggedOn: today(),
    title: '',
    content: '',
    attachmentIds: [],
    uploading: false,
    errors: {},
  })
  const convert = reactive<ConvertState>({ visible: false, busy: false, log: null, categoryCode: '', errors: {} })
  const categories = shallowRef<DictItemOut[]>([])

  function openNew(): void {
    Object.assign(form, { visible: true, busy: false, editingId: null, loggedOn: today(), title: '', content: '', attachmentIds: [], errors: {} })
  }

  function openEdit(log: WorkLog): void {
    Object.assign(form, { visible: true, busy: false, editingId: log.id, loggedOn: log.logged_on, title: log.title, content: log.content, attachmentIds: [], errors: {} })
  }

  async function submit(): Promise<void> {
    if (form.uploading) {
      ElMessage.warning(t('attachments.uploadingWait'))
      return
    }
    form.busy = true
    form.errors = {}
    const body = { logged_on: form.loggedOn || null, title: form.title.trim(), content: form.content.trim(), attachment_ids: [...form.attachmentIds] }
    try {
      if (form.editingId) await workLogsApi.update(form.editingId, body, { silent: true })
      else await workLogsApi.create(body, { silent: true })
      ElMessage.success(t('workLogs.saved'))
      form.visible = false
      await list.reload()
    } catch (e) {
      if (isApiError(e)) {
        form.errors = e.fieldErrors()
        if (!e.errors.some((x) => x.field)) ElMessage.error(e.message)
      }
    } finally {
      form.busy = false
    }
  }

  async function openConvert(log: WorkLog): Promise<void> {
    Object.assign(convert, { visible: true, busy: false, log, categoryCode: '', errors: {} })
    if (!categories.value.length) {
      try {
        categories.value = (await dictionaryApi.items('event_category')).filter((c) => c.code.length === 4)
      } catch {
        /* the select stays empty */
      }
    }
  }

  async function submitConvert(): Promise<void> {
    const log = convert.log
    if (!log) return
    convert.busy = true
    convert.errors = {}
    try {
      const out = await workLogsApi.convert(log.id, convert.categoryCode, { silent: true })
      ElMessage.success(t('workLogs.convert.done', { number: out.case?.number ?? '' }))
      convert.visible = false
      await list.reload()
    } catch (e) {
      if (isApiError(e)) {
        convert.errors = e.fieldErrors()
        if (!e.errors.some((x) => x.field)) ElMessage.error(e.message)
      }
    } finally {
      convert.busy = false
    }
  }

  async function withdraw(log: WorkLog, reason: string): Promise<void> {
    await workLogsApi.withdraw(log.id, reason)
    ElMessage.success(t('workLogs.withdraw.done'))
    await list.reload()
  }

  return { ...list, form, convert, categories, openNew, openEdit, submit, openConvert, submitConvert, withdraw }
}
