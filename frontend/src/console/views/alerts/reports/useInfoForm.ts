/**
 * The "report information" dialog of the console: every field error from the server lands under
 * its field at once.
 */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/http'
import { infoReportsApi, type InfoClassification, type InfoReport, type InfoReportCreateIn, type InfoUrgency } from '@/api/infoReports'
import { localIso } from '@/shared/cases'
import { t } from '@/shared/i18n'

export type LinkType = 'resident' | 'place' | 'organisation'

export interface InfoFormState {
  visible: boolean
  busy: boolean
  title: string
  description: string
  categoryCode: string
  source: string
  classification: InfoClassification
  urgency: InfoUrgency
  peopleCount: number
  involved: string
  links: { type: LinkType; id: number | null }[]
  occurredAt: string
  learnedAt: string
  address: string
  attachmentIds: number[]
  uploading: boolean
  errors: Record<string, string>
}

function blank(): Omit<InfoFormState, 'visible' | 'busy'> {
  return {
    title: '',
    description: '',
    categoryCode: '',
    source: '',
    classification: 'normal',
    urgency: 'normal',
    peopleCount: 0,
    involved: '',
    links: [],
    occurredAt: '',
    learnedAt: localIso(),
    address: '',
    attachmentIds: [],
    uploading: false,
    errors: {},
  }
}

export function buildBody(s: Omit<InfoFormState, 'visible' | 'busy' | 'errors' | 'uploading'>): InfoReportCreateIn {
  return {
    title: s.title.trim(),
    description: s.description.trim(),
    category_code: s.categoryCode,
    source: s.source as InfoReportCreateIn['source'],
    classification: s.classification,
    urgency: s.urgency,
    people_count: s.peopleCount,
    involved: s.involved.trim(),
    links: s.links.filter((l) => l.id !== null).map((l) => ({ type: l.type, id: l.id as number })),
    occurred_at: s.occurredAt || null,
    learned_at: s.learnedAt || null,
    address: s.address.trim(),
    attachment_ids: [...s.attachmentIds],
  }
}

export function useInfoForm(onCreated: (r: InfoReport) => void) {
  const form = reactive<InfoFormState>({ visible: false, busy: false, ...blank() })

  function open(): void {
    Object.assign(form, blank(), { visible: true, busy: false })
  }

  async function submit(): Promise<void> {
    if (form.uploading) {
      ElMessage.warning(t('attachments.uploadingWait'))
      return
    }
    form.busy = true
    form.errors = {}
    try {
      const res = await infoReportsApi.create(buildBody(form), { silent: true })
      ElMessage.success(t('infoReports.form.submitted'))
      form.visible = false
      onCreated(res.report)
    } catch (e) {
      if (isApiError(e)) {
        form.errors = e.fieldErrors()
        if (!e.errors.some((x) => x.field)) ElMessage.error(e.message)
      }
    } finally {
      form.busy = false
    }
  }

  return { form, open, submit }
}
