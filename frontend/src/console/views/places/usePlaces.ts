/**
 * One kind of place: the list (search, category, unit, facilities not inspected this month),
 * the register / edit dialog built from the kind's spec, and a facility's monthly inspection.
 */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { placesApi } from '@/api/registry'
import type { InspectionResult, PlaceKind, PlaceOut, PlaceSpec, UnitBrief } from '@/api/types'
import { dayKey } from '@/shared/categories'
import { t } from '@/shared/i18n'
import { buildPlaceBody, placeFieldsFrom, validatePlace, type PlaceFields } from '@/shared/places'
import { saveForm } from '../../saveForm'

export const PAGE_SIZE = 20

export interface PlaceSearch {
  q: string
  category: string
  under: number | null
  missing: boolean
}

let specsPromise: Promise<PlaceSpec[]> | null = null

export function loadPlaceSpecs(): Promise<PlaceSpec[]> {
  if (!specsPromise) {
    specsPromise = placesApi.specs().catch((e: unknown) => {
      specsPromise = null
      throw e
    })
  }
  return specsPromise
}

export interface PlaceFormState extends PlaceFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  editing: PlaceOut | null
  knownUnits: UnitBrief[]
}

export interface InspectionState {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  facility: PlaceOut | null
  inspected_on: string
  result: InspectionResult
  note: string
}

export function usePlaces(kind: () => PlaceKind, defaultUnder: () => number | null) {
  const search = reactive<PlaceSearch>({ q: '', category: '', under: defaultUnder(), missing: false })
  const rows = ref<PlaceOut[]>([])
  const nextCursor = ref<number | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const spec = shallowRef<PlaceSpec | null>(null)
  let generation = 0

  const filter = (cursor: number | null) => ({
    q: search.q.trim() || undefined,
    category: search.category || undefined,
    under: search.under ?? undefined,
    missing: (kind() === 'facilities' && search.missing) || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  })

  async function loadSpec(): Promise<void> {
    spec.value = (await loadPlaceSpecs().catch(() => [])).find((s) => s.kind === kind()) ?? null
  }

  async function reload(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await placesApi.list(kind(), filter(null))
      if (mine !== generation) return
      rows.value = page.items
      nextCursor.value = page.next_cursor ?? null
      loaded.value = true
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null) return
    const mine = generation
    const page = await placesApi.list(kind(), filter(nextCursor.value))
    if (mine !== generation) return
    rows.value = [...rows.value, ...page.items]
    nextCursor.value = page.next_cursor ?? null
  }

  function reset(): void {
    Object.assign(search, { q: '', category: '', under: defaultUnder(), missing: false })
  }

  // ---- register / edit ----
  const form = reactive<PlaceFormState>({ ...placeFieldsFrom([], null), visible: false, busy: false, errors: {}, editing: null, knownUnits: [] })

  function openCreate(unit: UnitBrief | null): void {
    Object.assign(form, placeFieldsFrom(spec.value?.fields ?? [], null), { unit_id: unit?.id ?? null, knownUnits: unit ? [unit] : [], editing: null, errors: {}, visible: true })
  }

  async function openEdit(row: PlaceOut): Promise<void> {
    const full = await placesApi.get(kind(), row.id)
    Object.assign(form, placeFieldsFrom(spec.value?.fields ?? [], full), { editing: full, knownUnits: [], errors: {}, visible: true })
  }

  async function submit(): Promise<void> {
    const fields = spec.value?.fields ?? []
    form.errors = validatePlace(form, fields, form.editing === null)
    if (Object.keys(form.errors).length) return
    const editing = form.editing
    const ok = await saveForm(form, async () => {
      const body = buildPlaceBody(form, fields, editing)
      if (editing) await placesApi.update(kind(), editing.id, body, { silent: true })
      else await placesApi.create(kind(), body, { silent: true })
    })
    if (!ok) return
    ElMessage.success(t('common.saved'))
    form.visible = false
    await reload()
  }

  // ---- inspection ----
  const inspection = reactive<InspectionState>({ visible: false, busy: false, errors: {}, facility: null, inspected_on: '', result: 'normal', note: '' })

  function openInspection(row: PlaceOut): void {
    Object.assign(inspection, { visible: true, busy: false, errors: {}, facility: row, inspected_on: dayKey(new Date()), result: 'normal', note: '' })
  }

  async function submitInspection(): Promise<void> {
    const f = inspection.facility
    if (!f) return
    if (inspection.result === 'fault' && !inspection.note.trim()) {
      inspection.errors = { note: t('places.inspection.noteRequired') }
      return
    }
    const ok = await saveForm(inspection, async () => {
      await placesApi.inspect(f.id, { inspected_on: inspection.inspected_on, result: inspection.result, note: inspection.note.trim() }, { silent: true })
    })
    if (!ok) return
    ElMessage.success(t('places.inspection.saved'))
    inspection.visible = false
    await reload()
  }

  return { search, rows, nextCursor, loading, loaded, spec, loadSpec, reload, loadMore, reset, form, openCreate, openEdit, submit, inspection, openInspection, submitInspection }
}
