import { beforeEach, describe, expect, it, vi } from 'vitest'

const { shown, answer } = vi.hoisted(() => ({ shown: [] as { type: string; text: string }[], answer: { confirm: true, prompt: 'demolished' } }))
vi.mock('element-plus', () => ({
  ElMessage: {
    error: (text: string) => shown.push({ type: 'error', text }),
    warning: (text: string) => shown.push({ type: 'warning', text }),
    success: (text: string) => shown.push({ type: 'success', text }),
  },
  ElMessageBox: {
    confirm: (text: string) => {
      shown.push({ type: 'confirm', text })
      return answer.confirm ? Promise.resolve('confirm') : Promise.reject(new Error('cancel'))
    },
    prompt: (text: string) => {
      shown.push({ type: 'prompt', text })
      return answer.confirm ? Promise.resolve({ value: ` ${answer.prompt} ` }) : Promise.reject(new Error('cancel'))
    },
  },
}))

const api = vi.hoisted(() => ({
  specs: vi.fn(),
  list: vi.fn(),
  map: vi.fn(),
  grid: vi.fn(),
  get: vi.fn(),
  create: vi.fn(),
  update: vi.fn(),
  retire: vi.fn(),
  reveal: vi.fn(),
  inspect: vi.fn(),
  addOccupant: vi.fn(),
  endOccupancy: vi.fn(),
  addMember: vi.fn(),
  removeMember: vi.fn(),
}))
const units = vi.hoisted(() => ({ map: vi.fn() }))
vi.mock('@/api/registry', () => ({ placesApi: api, residentsApi: { list: vi.fn() } }))
vi.mock('@/api/units', () => ({ unitsApi: units }))

import { ApiError } from '@/api/http'
import type { PlaceOut, PlaceSpec } from '@/api/types'
import { useInspectionForm } from '@/console/views/places/useInspectionForm'
import { useMembers } from '@/console/views/places/useMembers'
import { useOccupants } from '@/console/views/places/useOccupants'
import { usePlaceDetail } from '@/console/views/places/usePlaceDetail'
import { usePlaceForm } from '@/console/views/places/usePlaceForm'
import { usePlaces } from '@/console/views/places/usePlaces'

const HOUSES: PlaceSpec = { kind: 'houses', label: 'house', fields: ['compound', 'use', 'area', 'owner', 'owner_name', 'rental_registered_on'], code_table: null, sealed_phone: false }
const KEY_PLACES: PlaceSpec = { kind: 'key-places', label: 'key', fields: ['kind_code', 'legal_person'], code_table: 'place_kind', sealed_phone: true }
const FACILITIES: PlaceSpec = { kind: 'facilities', label: 'facility', fields: ['kind_code', 'serial_number'], code_table: 'facility_kind', sealed_phone: false }
const VILLAGE = { id: 4, code: '320111003001', name: 'V1', level: 'village' as const, path: '320111003001' }
const GRID = { id: 7, code: '320111003001001', name: 'G1', level: 'grid' as const, path: '320111003001001' }

function place(over: Partial<PlaceOut> = {}): PlaceOut {
  return {
    id: 3,
    kind: 'houses',
    name: 'No. 8',
    address: '',
    path: GRID.path,
    unit_name: 'G1',
    latitude: null,
    longitude: null,
    note: '',
    category_label: '',
    contact_phone_mask: '',
    extra: { use: 'rental', owner: { id: 21, name: 'Wang' } },
    is_retired: false,
    retired_reason: '',
    missing_inspection: null,
    place: [VILLAGE, GRID],
    occupants: [],
    inspections: [],
    members: [],
    history: [],
    can_edit: true,
    write_mode: 'own',
    can_unmask: true,
    ...over,
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))
const badRequest = (errors: { field: string; message: string }[]) => new ApiError(400, { code: 'invalid_input', message: errors[0]?.message ?? 'bad', errors })

beforeEach(() => {
  shown.length = 0
  answer.confirm = true
  for (const f of [...Object.values(api), units.map]) f.mockReset()
  units.map.mockResolvedValue({ type: 'FeatureCollection', features: [] })
  api.specs.mockResolvedValue([HOUSES, KEY_PLACES, FACILITIES])
})

describe('the place form', () => {
  it('registers a house where the header points, with the owner picked, and opens it', async () => {
    const saved: [PlaceOut, boolean][] = []
    const { form, openCreate, submit } = usePlaceForm((p, created) => saved.push([p, created]))
    openCreate(HOUSES, GRID)
    await flush()
    expect(units.map).toHaveBeenCalledWith(7)
    form.name = ' 3-501 '
    await submit()
    expect(form.errors).toEqual({ owner: '请选择房主或填写房主姓名' })
    expect(api.create).not.toHaveBeenCalled()
    form.refs.owner = { id: 21, name: 'Wang' }
    api.create.mockResolvedValue(place({ id: 30 }))
    await submit()
    expect(api.create).toHaveBeenCalledWith('houses', expect.objectContaining({ name: '3-501', unit_id: 7, extra: expect.objectContaining({ owner: 21, use: 'self' }) }), { silent: true })
    expect(saved.map(([p, c]) => [p.id, c])).toEqual([[30, true]])
    expect(form.visible).toBe(false)
  })

  it("puts the server's field errors under their fields", async () => {
    const { form, openCreate, submit } = usePlaceForm(() => undefined)
    openCreate(KEY_PLACES, VILLAGE)
    Object.assign(form, { name: 'Gas' })
    form.extra.kind_code = '9902'
    form.extra.legal_person = 'Zhou'
    api.create.mockRejectedValue(badRequest([{ field: 'credit_code', message: '统一社会信用代码：校验位不正确' }, { field: 'latitude', message: '位置不正确' }]))
    await submit()
    expect(form.errors).toMatchObject({ credit_code: '统一社会信用代码：校验位不正确', latitude: '位置不正确' })
    expect(form.visible).toBe(true)
    expect(shown).toEqual([])
  })

  it('says which grid a picked position registers the place in', async () => {
    const { form, openCreate, pick, clearPosition } = usePlaceForm(() => undefined)
    openCreate(FACILITIES, null, VILLAGE)
    await flush()
    expect(units.map).toHaveBeenCalledWith(4)
    api.grid.mockResolvedValueOnce({ unit: GRID })
    pick(32.1, 118.6)
    expect(form.grid).toBe('locating')
    await flush()
    expect([form.grid, form.gridUnit?.name, form.latitude, form.longitude]).toEqual(['found', 'G1', 32.1, 118.6])
    api.grid.mockResolvedValueOnce({ unit: null })
    pick(40, 116)
    await flush()
    expect(form.grid).toBe('outside')
    clearPosition()
    expect([form.grid, form.latitude]).toEqual(['none', null])
  })

  it('edits a place as its page has it: its grid chosen, its village drawn, the phone kept masked', async () => {
    const { form, openEdit, submit } = usePlaceForm(() => undefined)
    const stored = place({ kind: 'key-places', contact_phone_mask: '139****5678', latitude: 32.1, longitude: 118.6, extra: { kind_code: '9902', legal_person: 'Zhou' } })
    api.grid.mockResolvedValue({ unit: GRID })
    openEdit(KEY_PLACES, stored)
    await flush()
    expect(units.map).toHaveBeenCalledWith(4)
    expect([form.unit_id, form.grid, form.contact_phone]).toEqual([7, 'found', '139****5678'])
    api.update.mockResolvedValue(stored)
    await submit()
    expect(api.update).toHaveBeenCalledWith('key-places', 3, expect.objectContaining({ contact_phone: '139****5678', latitude: 32.1 }), { silent: true })
  })
})

describe('the list and its map', () => {
  it('loads the map of the filters, with the boundaries of the smallest unit holding them', async () => {
    api.map.mockResolvedValueOnce({ items: [], total: 0, limit: 2000, capped: false, area: null })
    const c = usePlaces(
      () => 'facilities',
      () => 1,
    )
    await c.loadSpec()
    c.search.missing = true
    c.search.category = '01'
    await c.loadMap()
    expect(api.map).toHaveBeenCalledWith('facilities', expect.objectContaining({ missing: true, category: '01', under: 1 }))
    expect(units.map.mock.calls).toEqual([[1]]) // nothing shown: the unit searched under
    api.map.mockResolvedValue({ items: [], total: 1, limit: 2000, capped: false, area: VILLAGE })
    await c.loadMap()
    await c.loadMap()
    expect(units.map.mock.calls).toEqual([[1], [VILLAGE.id]]) // the same boundaries are not asked again
  })

  it('keeps the newest answer when searches overlap', async () => {
    let first: (v: unknown) => void = () => undefined
    api.list.mockImplementationOnce(() => new Promise((r) => (first = r))).mockResolvedValueOnce({ items: [place({ id: 2 })], next_cursor: null })
    const c = usePlaces(
      () => 'houses',
      () => null,
    )
    const a = c.reload()
    await c.reload()
    first({ items: [place({ id: 1 })], next_cursor: null })
    await a
    expect(c.rows.value.map((r) => r.id)).toEqual([2])
  })
})

describe("a place's page", () => {
  it('shows the full phone on request and retires with a reason', async () => {
    api.get.mockResolvedValue(place({ kind: 'key-places', contact_phone_mask: '139****5678' }))
    api.reveal.mockResolvedValue({ value: '13912345678' })
    const d = usePlaceDetail(
      () => 'key-places',
      () => 3,
    )
    await d.load()
    expect(d.spec.value?.kind).toBe('key-places')
    await d.reveal()
    expect(d.revealed.value).toBe('13912345678')
    api.retire.mockResolvedValue(place({ is_retired: true }))
    await d.retire()
    expect(api.retire).toHaveBeenCalledWith('key-places', 3, 'demolished')
    expect([d.item.value?.is_retired, d.revealed.value]).toEqual([true, null])
    answer.confirm = false
    api.retire.mockClear()
    await d.retire()
    expect(api.retire).not.toHaveBeenCalled()
  })

  it('says "not found" for a place outside the scope', async () => {
    api.get.mockRejectedValue(new ApiError(404, { code: 'not_found', message: 'none' }))
    const d = usePlaceDetail(
      () => 'houses',
      () => 99,
    )
    await d.load()
    expect(d.notFound.value).toBe(true)
  })
})

describe('occupants, inspections and members', () => {
  it('registers an occupant (a tenant once a rental has its owner) and shows a conflict beside the person', async () => {
    const house = place({ occupants: [{ id: 1, resident_id: 21, name: 'Wang', id_number_mask: '', relation: 'owner', relation_label: '', since: null, until: null }] })
    const saved: PlaceOut[] = []
    const o = useOccupants(
      () => house,
      (p) => saved.push(p),
    )
    o.open()
    expect(o.form.relation).toBe('tenant')
    await o.submit()
    expect(o.form.errors).toEqual({ resident_id: '请选择人员' })
    o.form.resident = { id: 22, name: 'Li' }
    api.addOccupant.mockRejectedValueOnce(new ApiError(409, { code: 'already_listed', message: '该人员已登记在此房屋' }))
    await o.submit()
    expect(o.form.errors).toEqual({ resident_id: '该人员已登记在此房屋' })
    api.addOccupant.mockResolvedValueOnce(house)
    await o.submit()
    expect(api.addOccupant).toHaveBeenLastCalledWith(3, { resident_id: 22, relation: 'tenant', since: null }, { silent: true })
    expect([saved.length, o.form.visible]).toEqual([1, false])
    api.endOccupancy.mockResolvedValue(house)
    await o.end(house.occupants![0]!)
    expect(api.endOccupancy).toHaveBeenCalledWith(3, 1)
  })

  it('records an inspection: a fault needs a note, never a day after today', async () => {
    const saved: PlaceOut[] = []
    const f = useInspectionForm(
      (p) => saved.push(p),
      () => new Date(2026, 5, 15),
    )
    f.open({ id: 5, name: 'Camera' })
    expect(f.inspection.inspected_on).toBe('2026-06-15')
    f.inspection.result = 'fault'
    f.inspection.inspected_on = '2026-06-16'
    await f.submit()
    expect(Object.keys(f.inspection.errors).sort()).toEqual(['inspected_on', 'note'])
    f.inspection.inspected_on = '2026-06-15'
    f.inspection.note = ' blurred '
    api.inspect.mockResolvedValue(place({ kind: 'facilities' }))
    await f.submit()
    expect(api.inspect).toHaveBeenCalledWith(5, { inspected_on: '2026-06-15', result: 'fault', note: 'blurred' }, { silent: true })
    expect(saved).toHaveLength(1)
  })

  it('adds a member of the chosen kind and removes one after asking', async () => {
    const org = place({ kind: 'organisations', members: [{ id: 8, name: 'Zhou', role: '', resident_id: null, user_id: null, since: null }] })
    const m = useMembers(
      () => org,
      () => undefined,
    )
    m.open()
    m.form.kind = 'name'
    m.form.name = ' Volunteer A '
    m.form.role = 'volunteer'
    api.addMember.mockResolvedValue(org)
    await m.submit()
    expect(api.addMember).toHaveBeenCalledWith(3, { resident_id: null, user_id: null, name: 'Volunteer A', role: 'volunteer' }, { silent: true })
    answer.confirm = false
    await m.remove(org.members![0]!)
    expect(api.removeMember).not.toHaveBeenCalled()
    answer.confirm = true
    api.removeMember.mockResolvedValue(org)
    await m.remove(org.members![0]!)
    expect(api.removeMember).toHaveBeenCalledWith(3, 8)
  })
})
