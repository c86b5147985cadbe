/**
 * The import wizard's column step. An uploaded file waits in `review` with the columns the server
 * proposed (`job.preview`): the header row it found below any title rows, what each column was
 * matched to (the template, the dictionary's synonyms, or the unit's choices for files of the
 * same headers) and a few masked samples. The user corrects the columns, gives one value to each
 * required column the file lacks (a register of registered residents has no population-kind
 * column), and confirms; nothing
 * is written before that.
 */
import { computed, reactive, ref, watch } from 'vue'
import { ElMessage } from 'element-plus'
import { importsApi } from '@/api/registry'
import type { ImportColumn, ImportConfirmIn, ImportField, ImportJob, ImportPreview } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'

/** One column of the file and the field the user has it go to ('' = not imported). */
export interface ColumnChoice {
  index: number
  header: string
  field: string
  samples: string[]
}

export function choicesOf(preview: ImportPreview): ColumnChoice[] {
  return preview.columns.map((c: ImportColumn) => ({ index: c.index, header: c.header, field: c.field, samples: [...c.samples] }))
}

/** Fields chosen for more than one column (the server refuses that). */
export function duplicateFields(choices: readonly ColumnChoice[]): Set<string> {
  const seen = new Set<string>()
  const twice = new Set<string>()
  for (const c of choices) {
    if (!c.field) continue
    if (seen.has(c.field)) twice.add(c.field)
    seen.add(c.field)
  }
  return twice
}

/** Required fields no column goes to: each needs one value for the whole file. */
export function missingRequired(fields: readonly ImportField[], choices: readonly ColumnChoice[]): ImportField[] {
  const chosen = new Set(choices.map((c) => c.field).filter(Boolean))
  return fields.filter((f) => f.required && !chosen.has(f.field))
}

/** Fixable fields no column goes to: the ones that may be given one value. */
export function fixableFields(fields: readonly ImportField[], choices: readonly ColumnChoice[]): ImportField[] {
  const chosen = new Set(choices.map((c) => c.field).filter(Boolean))
  return fields.filter((f) => f.fixable && !chosen.has(f.field))
}

/** The confirmation sent to the server: every column's field by its position (two columns may
 * share a name, or have none), and the values given to fields no column goes to (a value left
 * for a field a column now covers is dropped). */
export function confirmBody(
  choices: readonly ColumnChoice[],
  fixed: Readonly<Record<string, string>>,
  remember: boolean,
): ImportConfirmIn {
  const columns: Record<string, string> = {}
  for (const c of choices) columns[String(c.index)] = c.field
  const chosen = new Set(Object.values(columns).filter(Boolean))
  const values: Record<string, string> = {}
  for (const [field, value] of Object.entries(fixed)) {
    if (!chosen.has(field) && value.trim()) values[field] = value.trim()
  }
  return { columns, fixed: values, remember }
}

export interface ReviewForm {
  choices: ColumnChoice[]
  fixed: Record<string, string>
  /** Fields given a value though not required (chosen by the user from the fixable ones). */
  extra: string[]
  remember: boolean
  busy: boolean
  errors: Record<string, string>
}

let fieldsCache: Promise<ImportField[]> | null = null

export function useColumnReview(job: () => ImportJob | null, onConfirmed: (next: ImportJob) => void) {
  const fields = ref<ImportField[]>([])
  const form = reactive<ReviewForm>({ choices: [], fixed: {}, extra: [], remember: true, busy: false, errors: {} })

  const loadError = ref(false)

  async function loadFields(): Promise<void> {
    fieldsCache ??= importsApi.fields().catch((e: unknown) => {
      fieldsCache = null
      throw e
    })
    try {
      fields.value = await fieldsCache
      loadError.value = false
    } catch {
      loadError.value = true
    }
  }

  function reset(preview: ImportPreview): void {
    form.choices = choicesOf(preview)
    form.fixed = { ...preview.fixed }
    form.remember = true
    form.errors = {}
    form.extra = []
  }

  /** Values remembered for fields that are not required show up as extra ones (known once the
   * field list is in). */
  function showRememberedExtras(preview: ImportPreview): void {
    const required = new Set(fields.value.filter((f) => f.required).map((f) => f.field))
    form.extra = Object.keys(preview.fixed).filter((f) => !required.has(f) && !form.extra.includes(f))
  }

  watch(
    () => {
      const j = job()
      return j?.status === 'review' && j.preview ? `${j.id}` : ''
    },
    (key) => {
      const preview = job()?.preview
      if (!key || !preview) return
      reset(preview)
      void loadFields().then(() => showRememberedExtras(preview))
    },
    { immediate: true },
  )

  const duplicates = computed(() => duplicateFields(form.choices))
  const missing = computed(() => missingRequired(fields.value, form.choices))
  const addable = computed(() =>
    fixableFields(fields.value, form.choices).filter((f) => !f.required && !form.extra.includes(f.field)),
  )
  const extraFields = computed(() => fields.value.filter((f) => form.extra.includes(f.field) && !form.choices.some((c) => c.field === f.field)))
  const fieldLabel = (field: string): string => fields.value.find((f) => f.field === field)?.header ?? field

  function addExtra(field: string): void {
    if (field && !form.extra.includes(field)) form.extra.push(field)
  }

  function removeExtra(field: string): void {
    form.extra = form.extra.filter((f) => f !== field)
    delete form.fixed[field]
  }

  /** Shown as soon as two columns go to one field, gone as soon as they do not. */
  const duplicateMessage = computed(() =>
    duplicates.value.size
      ? t('imports.review.duplicate', { fields: [...duplicates.value].map(fieldLabel).join(t('imports.review.listSeparator')) })
      : '',
  )

  /** Checked here first (the server checks again): each missing required column has a value,
   * no field goes to two columns. */
  function check(): boolean {
    const errors: Record<string, string> = {}
    if (duplicates.value.size) errors.columns = duplicateMessage.value
    for (const f of missing.value) {
      if (!(form.fixed[f.field] ?? '').trim()) errors[`fixed.${f.field}`] = t('imports.review.needValue', { field: f.header })
    }
    form.errors = errors
    return Object.keys(errors).length === 0
  }

  async function confirm(): Promise<void> {
    const current = job()
    if (!current || !check()) return
    const extra = new Set([...missing.value.map((f) => f.field), ...extraFields.value.map((f) => f.field)])
    const fixed = Object.fromEntries(Object.entries(form.fixed).filter(([f]) => extra.has(f)))
    let next: ImportJob | null = null
    const ok = await saveForm(form, async () => {
      next = await importsApi.confirm(current.id, confirmBody(form.choices, fixed, form.remember), { silent: true })
    })
    if (ok && next) {
      ElMessage.success(t('imports.review.started'))
      onConfirmed(next)
    }
  }

  return {
    fields,
    loadError,
    form,
    duplicates,
    duplicateMessage,
    missing,
    addable,
    extraFields,
    fieldLabel,
    addExtra,
    removeExtra,
    confirm,
    loadFields,
  }
}
