/** The console's "add a visit record" dialog: the same fields and checks as the phone's form. */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { categoriesApi } from '@/api/registry'
import type { CategoryOut, VisitCreatedOut } from '@/api/types'
import { blankVisit, buildVisitBody, validateVisit, type VisitFields } from '@/shared/categories'
import { t } from '@/shared/i18n'
import { uuid4 } from '@/shared/uuid'
import { saveForm } from '../../saveForm'

export interface VisitFormState extends VisitFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  category: CategoryOut | null
  /** One id per opened dialog: a double click or a retry after a timeout records one visit. */
  clientId: string
}

export function useVisitForm(onSaved: (out: VisitCreatedOut) => void) {
  const form = reactive<VisitFormState>({ ...blankVisit(), visible: false, busy: false, errors: {}, category: null, clientId: '' })

  function open(c: CategoryOut): void {
    Object.assign(form, blankVisit(), { visible: true, busy: false, errors: {}, category: c, clientId: uuid4() })
  }

  async function submit(): Promise<void> {
    const c = form.category
    if (!c) return
    form.errors = validateVisit(form, { listedOn: c.listed_on })
    if (Object.keys(form.errors).length > 0) return
    const result: { out: VisitCreatedOut | null } = { out: null }
    const ok = await saveForm(form, async () => {
      result.out = await categoriesApi.visit(c.id, buildVisitBody(form, form.clientId), { silent: true })
    })
    if (!ok || !result.out) return
    ElMessage.success(t('visits.saved', { date: result.out.next_visit_on }))
    form.visible = false
    onSaved(result.out)
  }

  return { form, open, submit }
}
