/**
 * The "list as key person / care recipient" dialog (listing), also used to edit a listing. The
 * category's own fields are built from its spec (GET /category-specs); the visit frequency is
 * prefilled from the spec (for severe mental disorder, key 03, from the risk level) until the user changes it.
 * Editing sends personal fields back as their masks, which the server reads as "unchanged".
 */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { categoriesApi } from '@/api/registry'
import type { CategoryGroup, CategoryOut, CategorySpec } from '@/api/types'
import {
  buildListingBody,
  dayKey,
  detailsFor,
  findSpec,
  needsRiskLevel,
  suggestedEvery,
  validateListing,
  type ListingFields,
} from '@/shared/categories'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'
import { loadCategorySpecs } from './useCategories'

export interface CategoryFormState extends ListingFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  residentId: number
  residentName: string
  editing: CategoryOut | null
  specs: CategorySpec[]
  /** The user typed a visit frequency: a change of category or risk no longer overwrites it. */
  everyTouched: boolean
}

export function blankListing(group: CategoryGroup = 'key', today: Date = new Date()): ListingFields {
  return { group, category_code: '', listed_on: dayKey(today), risk_level: null, details: {}, team: [], visit_every_days: null, note: '' }
}

function blankState(): CategoryFormState {
  return { ...blankListing(), visible: false, busy: false, errors: {}, residentId: 0, residentName: '', editing: null, specs: [], everyTouched: false }
}

export function useCategoryForm(onSaved: (c: CategoryOut, created: boolean) => void) {
  const form = reactive<CategoryFormState>(blankState())

  const spec = (): CategorySpec | undefined => findSpec(form.specs, form.group, form.category_code)

  async function loadSpecs(): Promise<void> {
    try {
      form.specs = await loadCategorySpecs()
    } catch {
      form.specs = []
    }
  }

  function openCreate(residentId: number, residentName: string, group: CategoryGroup = 'key'): void {
    Object.assign(form, blankState(), blankListing(group), { residentId, residentName, visible: true })
    void loadSpecs()
  }

  function openEdit(c: CategoryOut): void {
    Object.assign(form, blankState(), {
      group: c.group,
      category_code: c.category_code,
      listed_on: c.listed_on,
      risk_level: c.risk_level,
      details: detailsFor(c.fields, c.details),
      team: c.team.map((m) => ({ name: m.name, role: m.role })),
      visit_every_days: c.visit_every_days,
      note: c.note,
      residentId: c.resident_id,
      residentName: c.resident_name,
      editing: c,
      everyTouched: true,
      visible: true,
    })
    void loadSpecs()
  }

  /** A new group or category: fresh fields for its spec, and its default frequency. */
  function onCategory(): void {
    const s = spec()
    form.details = detailsFor(s?.fields ?? [], form.editing?.category_code === form.category_code ? form.editing.details : {})
    if (!needsRiskLevel(form.group, form.category_code)) form.risk_level = null
    form.errors = {}
    prefillEvery()
  }

  function onGroup(): void {
    form.category_code = ''
    onCategory()
  }

  function prefillEvery(): void {
    if (!form.everyTouched) form.visit_every_days = suggestedEvery(spec(), form.risk_level)
  }

  async function submit(): Promise<void> {
    const s = spec()
    form.errors = validateListing(form, s)
    if (Object.keys(form.errors).length > 0) return
    const editing = form.editing
    const result: { saved: CategoryOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      const body = buildListingBody(form, s)
      result.saved = editing ? await categoriesApi.update(editing.id, body, { silent: true }) : await categoriesApi.create(form.residentId, body, { silent: true })
    })
    if (!ok || !result.saved) return
    ElMessage.success(t(editing ? 'categories.form.updated' : 'categories.form.created'))
    form.visible = false
    onSaved(result.saved, editing === null)
  }

  return { form, spec, openCreate, openEdit, onCategory, onGroup, prefillEvery, submit }
}
