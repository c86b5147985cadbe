/**
 * The "register / edit a place" dialog, built from the kind's spec (GET /place-specs). A house
 * picks its compound and owner; every kind may be placed on a map, and the dialog says which
 * grid the position puts it in (the server places a record in the grid of its position when
 * that grid is in the user's capture scope, else in the unit chosen). The server's field errors
 * (Chinese messages, one per field) land under their fields.
 *
 * Editing: the contact phone stays sealed; the form shows it masked and sends the mask back
 * unchanged, which the server reads as "keep the stored number".
 */
import { reactive, watch } from 'vue'
import { ElMessage } from 'element-plus'
import { placesApi } from '@/api/registry'
import { unitsApi } from '@/api/units'
import type { FeatureCollection, PlaceKind, PlaceOut, PlaceSpec, UnitBrief, UnitLevel } from '@/api/types'
import { t } from '@/shared/i18n'
import { buildPlaceBody, placeFieldsFrom, validatePlace, type PlaceFields } from '@/shared/places'
import { saveForm } from '../../saveForm'

export type GridState = 'none' | 'locating' | 'found' | 'outside'

export interface PlaceFormState extends PlaceFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  kind: PlaceKind
  spec: PlaceSpec | null
  /** The place being edited; null when registering a new one. */
  editing: PlaceOut | null
  /** Units to name in the unit picker before its tree has loaded. */
  knownUnits: UnitBrief[]
  /** The unit whose boundaries the position map draws. */
  mapUnitId: number | null
  boundaries: FeatureCollection | null
  /** Which grid the position places the record in. */
  grid: GridState
  gridUnit: UnitBrief | null
}

function blankState(kind: PlaceKind = 'compounds'): PlaceFormState {
  return {
    ...placeFieldsFrom([], null),
    visible: false,
    busy: false,
    errors: {},
    kind,
    spec: null,
    editing: null,
    knownUnits: [],
    mapUnitId: null,
    boundaries: null,
    grid: 'none',
    gridUnit: null,
  }
}

/** The map of a grid alone shows one box: draw its village with the neighbouring grids instead. */
export function mapUnitOf(unit: { id: number; level: UnitLevel | string; parent_id?: number | null } | null | undefined): number | null {
  if (!unit) return null
  return unit.level === 'grid' && unit.parent_id ? unit.parent_id : unit.id
}

export function usePlaceForm(onSaved: (p: PlaceOut, created: boolean) => void) {
  const form = reactive<PlaceFormState>(blankState())
  // A field's message goes as soon as the field is changed (not only at the next save).
  for (const key of ['name', 'address', 'unit_id', 'note', 'contact_phone'] as const) {
    watch(
      () => form[key],
      () => {
        delete form.errors[key]
      },
    )
  }
  watch(
    () => ({ ...form.extra, ...Object.fromEntries(Object.entries(form.refs).map(([k, v]) => [k, v?.id ?? null])) }),
    (now, before) => {
      for (const key of Object.keys(now)) {
        if (now[key] !== before[key]) delete form.errors[key]
      }
      if (now.owner !== before.owner || now.owner_name !== before.owner_name) delete form.errors.owner
    },
  )
  let boundaryGen = 0
  let gridGen = 0

  async function loadBoundaries(unitId: number | null): Promise<void> {
    const mine = ++boundaryGen
    form.mapUnitId = unitId
    if (unitId === null) {
      form.boundaries = null
      return
    }
    try {
      const data = await unitsApi.map(unitId)
      if (mine === boundaryGen) form.boundaries = data
    } catch {
      if (mine === boundaryGen) form.boundaries = null
    }
  }

  async function locate(): Promise<void> {
    const mine = ++gridGen
    const { latitude, longitude } = form
    if (latitude === null || longitude === null) {
      form.grid = 'none'
      form.gridUnit = null
      return
    }
    form.grid = 'locating'
    try {
      const answer = await placesApi.grid(latitude, longitude)
      if (mine !== gridGen) return
      form.gridUnit = answer.unit ?? null
      form.grid = answer.unit ? 'found' : 'outside'
    } catch {
      if (mine === gridGen) form.grid = 'none'
    }
  }

  /** Register a new place of `spec`'s kind, in `unit` when given (the header's village or grid). */
  function openCreate(spec: PlaceSpec, unit: UnitBrief | null, mapUnit: UnitBrief | null = unit): void {
    Object.assign(form, blankState(spec.kind), placeFieldsFrom(spec.fields, null), {
      spec,
      unit_id: unit?.id ?? null,
      knownUnits: unit ? [unit] : [],
      visible: true,
    })
    void loadBoundaries(mapUnitOf(unit) ?? mapUnit?.id ?? null)
  }

  /** Edit `p` (as its page has it, with its chain of units). */
  function openEdit(spec: PlaceSpec, p: PlaceOut): void {
    const place = p.place ?? []
    const last = place[place.length - 1] ?? null
    const parent = place[place.length - 2] ?? null
    Object.assign(form, blankState(spec.kind), placeFieldsFrom(spec.fields, p), {
      spec,
      editing: p,
      knownUnits: last ? [last] : [],
      visible: true,
    })
    void loadBoundaries(last?.level === 'grid' && parent ? parent.id : (last?.id ?? null))
    void locate()
  }

  /** A unit chosen in the picker (the form holds its id already): the map shows it, a grid with its neighbours. */
  function onUnit(unit: { id: number; level: UnitLevel | string; parent_id?: number | null } | null): void {
    delete form.errors.unit_id
    if (unit) void loadBoundaries(mapUnitOf(unit))
  }

  function pick(latitude: number, longitude: number): void {
    form.latitude = latitude
    form.longitude = longitude
    delete form.errors.latitude
    delete form.errors.unit_id
    void locate()
  }

  function clearPosition(): void {
    form.latitude = null
    form.longitude = null
    void locate()
  }

  async function submit(): Promise<void> {
    const spec = form.spec
    if (!spec) return
    const editing = form.editing
    form.errors = validatePlace(form, spec.fields, editing === null, editing?.contact_phone_mask ?? '')
    if (Object.keys(form.errors).length > 0) return
    const result: { saved: PlaceOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      const body = buildPlaceBody(form, spec.fields)
      result.saved = editing ? await placesApi.update(spec.kind, editing.id, body, { silent: true }) : await placesApi.create(spec.kind, body, { silent: true })
    })
    if (!ok || result.saved === null) return
    ElMessage.success(t(editing ? 'places.form.updated' : 'places.form.created'))
    form.visible = false
    onSaved(result.saved, editing === null)
  }

  return { form, openCreate, openEdit, onUnit, pick, clearPosition, submit }
}
