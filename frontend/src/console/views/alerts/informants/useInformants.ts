/** The informant network page: the roster of the chosen unit with its filters and form, the
 * share of central-household heads per village, and group texts with their delivery statuses. */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { informantsApi, type CoverageOut, type InformantOut, type SmsDetailOut, type SmsOut } from '@/api/informants'
import type { UnitBrief } from '@/api/types'
import type { PlaceRef } from '@/shared/places'
import { t } from '@/shared/i18n'
import { saveForm } from '../../../saveForm'

export const PAGE_SIZE = 20

export interface InformantFormState {
  visible: boolean
  busy: boolean
  informant: InformantOut | null
  unitId: number | null
  known: UnitBrief[]
  role_code: string
  name: string
  phone: string
  resident: PlaceRef | null
  organisation: string
  enrolled_on: string | null
  note: string
  errors: Record<string, string>
}

export interface AccountFormState {
  visible: boolean
  busy: boolean
  informant: InformantOut | null
  username: string
  password: string
  errors: Record<string, string>
}

export interface SmsFormState {
  visible: boolean
  busy: boolean
  roles: string[]
  text: string
  errors: Record<string, string>
}

export function useInformants() {
  const unitId = ref<number | null>(null)
  const known = shallowRef<UnitBrief[]>([])
  const role = ref('')
  const q = ref('')
  const retired = ref(false)
  const page = ref(1)
  const rows = shallowRef<InformantOut[]>([])
  const count = ref(0)
  const loading = ref(false)
  const revealed = reactive<Record<number, string>>({})
  const coverage = shallowRef<CoverageOut[]>([])
  const quotaDraft = reactive<Record<number, number | undefined>>({})
  const smsRows = shallowRef<SmsOut[]>([])
  const smsDetail = shallowRef<SmsDetailOut | null>(null)

  const form = reactive<InformantFormState>({
    visible: false,
    busy: false,
    informant: null,
    unitId: null,
    known: [],
    role_code: '',
    name: '',
    phone: '',
    resident: null,
    organisation: '',
    enrolled_on: null,
    note: '',
    errors: {},
  })
  const account = reactive<AccountFormState>({ visible: false, busy: false, informant: null, username: '', password: '', errors: {} })
  const sms = reactive<SmsFormState>({ visible: false, busy: false, roles: [], text: '', errors: {} })

  async function load(): Promise<void> {
    if (unitId.value == null) return
    loading.value = true
    try {
      const res = await informantsApi.list({
        unit: unitId.value,
        role: role.value || undefined,
        q: q.value || undefined,
        retired: retired.value,
        limit: PAGE_SIZE,
        offset: (page.value - 1) * PAGE_SIZE,
      })
      rows.value = res.items
      count.value = res.count
    } finally {
      loading.value = false
    }
  }

  async function loadCoverage(): Promise<void> {
    if (unitId.value == null) return
    coverage.value = await informantsApi.coverage(unitId.value)
    for (const c of coverage.value) quotaDraft[c.unit.id] = c.required ?? undefined
  }

  async function loadSms(): Promise<void> {
    if (unitId.value == null) return
    smsRows.value = await informantsApi.smsList(unitId.value)
  }

  function search(): void {
    page.value = 1
    void load()
  }

  async function reveal(row: InformantOut): Promise<void> {
    const r = await informantsApi.reveal(row.id)
    revealed[row.id] = r.value
  }

  function openNew(): void {
    Object.assign(form, {
      visible: true,
      busy: false,
      informant: null,
      unitId: unitId.value,
      known: known.value,
      role_code: '01',
      name: '',
      phone: '',
      resident: null,
      organisation: '',
      enrolled_on: null,
      note: '',
      errors: {},
    })
  }

  function openEdit(row: InformantOut): void {
    Object.assign(form, {
      visible: true,
      busy: false,
      informant: row,
      unitId: row.unit.id,
      known: [row.unit],
      role_code: row.role_code,
      name: row.name,
      phone: '',
      resident: row.resident_id ? { id: row.resident_id, name: row.resident_name } : null,
      organisation: row.organisation,
      enrolled_on: row.enrolled_on,
      note: row.note,
      errors: {},
    })
  }

  async function submit(): Promise<void> {
    await saveForm(form, async () => {
      const body = {
        unit_id: form.unitId ?? 0,
        role_code: form.role_code,
        name: form.name,
        // editing: an empty phone box keeps the sealed number
        phone: form.informant && !form.phone ? null : form.phone,
        resident_id: form.resident?.id ?? null,
        organisation: form.organisation,
        enrolled_on: form.enrolled_on,
        note: form.note,
      }
      if (form.informant) await informantsApi.update(form.informant.id, body, { silent: true })
      else await informantsApi.create(body, { silent: true })
      form.visible = false
      ElMessage.success(t('informants.saved'))
      await Promise.all([load(), loadCoverage()])
    })
  }

  async function retire(row: InformantOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('informants.retireConfirm', { name: row.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await informantsApi.retire(row.id)
    ElMessage.success(t('informants.retiredDone'))
    await Promise.all([load(), loadCoverage()])
  }

  function openAccount(row: InformantOut): void {
    Object.assign(account, { visible: true, busy: false, informant: row, username: '', password: '', errors: {} })
  }

  async function submitAccount(): Promise<void> {
    const who = account.informant
    if (!who) return
    await saveForm(account, async () => {
      await informantsApi.openAccount(who.id, account.username, account.password, { silent: true })
      account.visible = false
      ElMessage.success(t('informants.accountOpened'))
      await load()
    })
  }

  async function saveQuota(c: CoverageOut): Promise<void> {
    const value = quotaDraft[c.unit.id]
    if (value == null) return
    await informantsApi.setQuota(c.unit.id, value)
    ElMessage.success(t('informants.quotaSaved'))
    await loadCoverage()
  }

  function openSms(): void {
    Object.assign(sms, { visible: true, busy: false, roles: [], text: '', errors: {} })
  }

  async function submitSms(): Promise<void> {
    await saveForm(sms, async () => {
      const sent = await informantsApi.sendSms({ unit_id: unitId.value ?? 0, text: sms.text, role_codes: sms.roles }, { silent: true })
      sms.visible = false
      ElMessage.success(t('informants.sms.sent'))
      await loadSms()
      smsDetail.value = await informantsApi.sms(sent.id)
    })
  }

  async function openSmsDetail(row: SmsOut): Promise<void> {
    smsDetail.value = await informantsApi.sms(row.id)
  }

  return {
    unitId,
    known,
    role,
    q,
    retired,
    page,
    rows,
    count,
    loading,
    revealed,
    coverage,
    quotaDraft,
    smsRows,
    smsDetail,
    form,
    account,
    sms,
    load,
    loadCoverage,
    loadSms,
    search,
    reveal,
    openNew,
    openEdit,
    submit,
    retire,
    openAccount,
    submitAccount,
    saveQuota,
    openSms,
    submitSms,
    openSmsDetail,
  }
}
