import { beforeEach, describe, expect, it, vi } from 'vitest'

const { shown, answer } = vi.hoisted(() => ({ shown: [] as { type: string; text: string }[], answer: { confirm: true } }))
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
  },
}))

const api = vi.hoisted(() => ({
  create: vi.fn(),
  update: vi.fn(),
  reveal: vi.fn(),
}))
vi.mock('@/api/registry', () => ({ residentsApi: api }))

import { ApiError } from '@/api/http'
import type { DictItemOut, ResidentOut } from '@/api/types'
import { codeOptions } from '@/shared/codeTables'
import { formatDateTime } from '@/shared/format'
import { checkDigit } from '@/shared/idcard'
import { MAX_LENGTH } from '@/api/limits'
import { RESIDENT_FORM, RESIDENT_SECTIONS, classifyQuery, historyLines, residentMaxLength, sectionOfKind } from '@/shared/residents'
import {
  blankFields,
  buildResidentBody,
  fieldsFrom,
  useResidentForm,
  validateResident,
  visibleFields,
  type ResidentFields,
} from '@/console/views/residents/useResidentForm'
import { emptySearch, toFilter } from '@/console/views/residents/useResidents'

const ID = `32011119850312123${checkDigit('32011119850312123')}`
const TODAY = new Date(2026, 5, 1)

function filled(over: Partial<ResidentFields> = {}): ResidentFields {
  return {
    ...blankFields('registered', 7),
    name: ' 王建国 ',
    id_number: ` ${ID.slice(0, 17)}${ID[17]?.toLowerCase()} `,
    sex_code: '2',
    birth_date: '1990-01-01',
    ethnicity_code: '01',
    phone: '13812345678',
    current_address: ' 冯墙社区1号 ',
    permit_type: '居住证',
    permit_number: 'P1',
    permit_issued_on: '2026-01-01',
    residence_type: '租赁房屋',
    foreign_name: 'Wang',
    nationality_code: '158',
    purpose: '探亲',
    arrived_on: '2026-03-01',
    ...over,
  }
}

function resident(over: Partial<ResidentOut> = {}): ResidentOut {
  return {
    id: 5,
    kind: 'floating',
    kind_label: '流动人口',
    name: '王建国',
    id_number_mask: '3201**********1230',
    sex_code: '1',
    sex_label: '男',
    birth_date: '1985-03-12',
    age: 41,
    phone_mask: '138****5678',
    current_address: '冯墙社区1号',
    path: '320111003001001',
    unit_name: 'G1',
    is_retired: false,
    id_type_code: '111',
    former_name: '',
    ethnicity_code: '01',
    native_place: '',
    marital_code: '',
    political_code: '',
    education_code: '',
    religion_code: '',
    occupation: '',
    household_address: '',
    household_number: '',
    relation_code: '',
    permit_type: '居住证',
    permit_number: 'P1',
    permit_issued_on: '2026-01-01',
    permit_expires_on: null,
    residence_type: '',
    reason_for_moving: '',
    foreign_name: '',
    nationality_code: '',
    purpose: '',
    arrived_on: null,
    leaves_on: null,
    latitude: 32.1,
    longitude: 118.6,
    retired_reason: '',
    retired_at: null,
    created_at: '2026-05-01T08:00:00+08:00',
    updated_at: '2026-05-01T08:00:00+08:00',
    labels: { ethnicity_code: '汉族' },
    place: [
      { id: 3, code: '320111003', name: 'T', level: 'township', path: '320111003' },
      { id: 9, code: '320111003001001', name: 'G1', level: 'grid', path: '320111003001001' },
    ],
    history: [],
    can_edit: true,
    write_mode: 'own',
    can_unmask: true,
    categories: [],
    categories_hidden: false,
    cases: [],
    houses: [],
    organisations: [],
    ...over,
  }
}

describe('request body per kind', () => {
  it('a registered resident: no floating or overseas fields, sex and birth left to the ID number', () => {
    const body = buildResidentBody(filled())
    expect(body).toMatchObject({
      kind: 'registered',
      name: '王建国',
      id_type_code: '111',
      id_number: ID,
      sex_code: '',
      birth_date: null,
      unit_id: 7,
      current_address: '冯墙社区1号',
      permit_type: '',
      permit_issued_on: null,
      residence_type: '',
      foreign_name: '',
      nationality_code: '',
      arrived_on: null,
    })
  })
  it('a floating resident sends the permit section only', () => {
    const body = buildResidentBody(filled({ kind: 'floating' }))
    expect(body).toMatchObject({ permit_type: '居住证', permit_number: 'P1', permit_issued_on: '2026-01-01', permit_expires_on: null, residence_type: '租赁房屋' })
    expect(body).toMatchObject({ foreign_name: '', nationality_code: '', purpose: '', arrived_on: null })
  })
  it('an overseas resident with a passport sends sex, birth date and the overseas section', () => {
    const body = buildResidentBody(filled({ kind: 'overseas', id_type_code: '414', id_number: ' E1234567 ' }))
    expect(body).toMatchObject({ id_number: 'E1234567', sex_code: '2', birth_date: '1990-01-01', foreign_name: 'Wang', nationality_code: '158', purpose: '探亲', arrived_on: '2026-03-01' })
    expect(body).toMatchObject({ permit_type: '', permit_number: '', permit_issued_on: null })
  })
  it('keeps a position set elsewhere, and the masked numbers, when editing', () => {
    const body = buildResidentBody(fieldsFrom(resident()))
    expect(body).toMatchObject({ latitude: 32.1, longitude: 118.6, unit_id: 9, id_number: '3201**********1230', phone: '138****5678', permit_type: '居住证' })
  })
})

describe('client-side checks', () => {
  const check = (f: ResidentFields, creating = true): string[] => Object.keys(validateResident(f, { creating, today: TODAY })).sort()

  it('passes a complete form', () => {
    expect(check(filled())).toEqual([])
  })
  it('catches a wrong check character under the ID number', () => {
    const wrong = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0')
    const errors = validateResident(filled({ id_number: wrong }), { creating: true, today: TODAY })
    expect(errors).toEqual({ id_number: '身份证号码校验位不正确，请核对' })
  })
  it('asks for sex and birth date only when the document is not a 居民身份证', () => {
    expect(check(filled({ sex_code: '', birth_date: '' }))).toEqual([])
    expect(check(filled({ id_type_code: '414', id_number: 'E1', sex_code: '', birth_date: '' }))).toEqual(['birth_date', 'sex_code'])
    expect(check(filled({ id_type_code: '414', id_number: 'E1', birth_date: '2027-01-01' }))).toEqual(['birth_date'])
  })
  it('reports every problem at once', () => {
    expect(check(filled({ kind: 'overseas', name: ' ', id_number: '', phone: '12345', unit_id: null, nationality_code: '', leaves_on: '2026-01-01' }))).toEqual([
      'id_number',
      'leaves_on',
      'name',
      'nationality_code',
      'phone',
      'unit_id',
    ])
  })
  it('needs a unit to register but not to edit', () => {
    expect(check(filled({ unit_id: null }), false)).toEqual([])
  })
  it('checks permit dates for floating people only', () => {
    expect(check(filled({ kind: 'floating', permit_expires_on: '2025-12-31' }))).toEqual(['permit_expires_on'])
    expect(check(filled({ kind: 'registered', permit_expires_on: '2025-12-31' }))).toEqual([])
  })
  it('knows which fields are on screen', () => {
    expect(visibleFields({ kind: 'registered', id_type_code: '111' }).has('sex_code')).toBe(false)
    expect(visibleFields({ kind: 'overseas', id_type_code: '414' }).has('nationality_code')).toBe(true)
    expect(visibleFields({ kind: 'floating', id_type_code: '111' }).has('nationality_code')).toBe(false)
  })
})

describe('the dialog', () => {
  beforeEach(() => {
    shown.length = 0
    answer.confirm = true
    api.create.mockReset()
    api.update.mockReset()
    api.reveal.mockReset()
  })

  it('puts all the server field errors under their fields', async () => {
    api.create.mockRejectedValue(
      new ApiError(400, {
        code: 'invalid_input',
        message: '请填写姓名',
        errors: [
          { field: 'household_address', message: '不能超过200个字' },
          { field: 'ethnicity_code', message: '代码不存在' },
        ],
      }),
    )
    const saved = vi.fn()
    const { form, openCreate, submit } = useResidentForm(saved)
    openCreate(null)
    Object.assign(form, filled())
    await submit()
    expect(form.errors).toEqual({ household_address: '不能超过200个字', ethnicity_code: '代码不存在' })
    expect(form.visible).toBe(true)
    expect(form.busy).toBe(false)
    expect(saved).not.toHaveBeenCalled()
    expect(shown).toEqual([])
  })

  it('shows errors for fields not on screen as a message, and the full "already registered" message', async () => {
    api.create.mockRejectedValueOnce(new ApiError(400, { code: 'invalid_input', message: 'x', errors: [{ field: 'latitude', message: '经纬度须同时填写' }] }))
    const { form, openCreate, submit } = useResidentForm(vi.fn())
    openCreate(null)
    Object.assign(form, filled())
    await submit()
    expect(shown).toEqual([{ type: 'error', text: '经纬度须同时填写' }])
    shown.length = 0
    api.create.mockRejectedValueOnce(
      new ApiError(409, { code: 'id_number_taken', message: '该证件号码已登记：王建国（G1）', errors: [{ field: 'id_number', message: '该证件号码已登记' }] }),
    )
    await submit()
    expect(form.errors).toEqual({ id_number: '该证件号码已登记' })
    expect(shown).toEqual([{ type: 'warning', text: '该证件号码已登记：王建国（G1）' }])
  })

  it('does not send a form the browser already knows is wrong', async () => {
    const { form, openCreate, submit } = useResidentForm(vi.fn())
    openCreate(null)
    Object.assign(form, filled({ id_number: '320111198503121231' }))
    await submit()
    expect(api.create).not.toHaveBeenCalled()
    expect(form.errors.id_number).toBe('身份证号码校验位不正确，请核对')
  })

  it('creates and hands the new record over', async () => {
    api.create.mockResolvedValue(resident({ id: 42 }))
    const saved = vi.fn()
    const { form, openCreate, submit } = useResidentForm(saved)
    openCreate({ id: 7, code: '320111003001', name: 'V', level: 'village', path: '320111003001' }, 'floating')
    expect(form.kind).toBe('floating')
    expect(form.unit_id).toBe(7)
    Object.assign(form, { name: '李四', id_number: ID })
    await submit()
    expect(api.create.mock.calls[0]?.[0]).toMatchObject({ kind: 'floating', name: '李四', unit_id: 7 })
    expect(saved).toHaveBeenCalledWith(expect.objectContaining({ id: 42 }), true)
    expect(form.visible).toBe(false)
  })

  it('opens an edit with the masked numbers, reads nothing back, and sends the masks unchanged', async () => {
    api.update.mockResolvedValue(resident())
    const { form, openEdit, submit } = useResidentForm(vi.fn())
    openEdit(resident())
    expect(form).toMatchObject({ id_number: '3201**********1230', phone: '138****5678', unit_id: 9 })
    await submit()
    expect(api.reveal).not.toHaveBeenCalled()
    expect(form.errors).toEqual({})
    expect(api.update).toHaveBeenCalledWith(5, expect.objectContaining({ id_number: '3201**********1230', phone: '138****5678' }), { silent: true })
  })

  it('checks and sends a newly typed number instead of the mask', async () => {
    api.update.mockResolvedValue(resident())
    const { form, openEdit, submit } = useResidentForm(vi.fn())
    openEdit(resident())
    form.id_number = '320111198503121231'
    form.phone = '139'
    await submit()
    expect(api.update).not.toHaveBeenCalled()
    expect(Object.keys(form.errors).sort()).toEqual(['id_number', 'phone'])
    form.id_number = ID.toLowerCase()
    form.phone = '13900001111'
    await submit()
    expect(api.update).toHaveBeenCalledWith(5, expect.objectContaining({ id_number: ID, phone: '13900001111' }), { silent: true })
  })

  it('confirms before clearing the phone', async () => {
    api.update.mockResolvedValue(resident())
    const { form, openEdit, submit } = useResidentForm(vi.fn())
    openEdit(resident())
    form.phone = ''
    answer.confirm = false
    await submit()
    expect(shown[0]?.type).toBe('confirm')
    expect(api.update).not.toHaveBeenCalled()
    answer.confirm = true
    await submit()
    expect(api.update).toHaveBeenCalledWith(5, expect.objectContaining({ id_number: '3201**********1230', phone: '' }), { silent: true })
  })
})

describe('list filters and the search box', () => {
  it('leaves empty filters out of the query', () => {
    expect(toFilter({ ...emptySearch(4), q: '  ' }, null)).toEqual({
      kind: undefined,
      q: undefined,
      under: 4,
      include_retired: undefined,
      cursor: undefined,
      limit: 20,
    })
    expect(toFilter({ kind: 'overseas', q: ' 建国 ', under: null, includeRetired: true }, 99)).toEqual({
      kind: 'overseas',
      q: '建国',
      under: undefined,
      include_retired: true,
      cursor: 99,
      limit: 20,
    })
  })
  it('reads the search box as the server does', () => {
    expect(classifyQuery(' ')).toBe('empty')
    expect(classifyQuery('建国')).toBe('name')
    expect(classifyQuery('13812345678')).toBe('phone')
    expect(classifyQuery(ID)).toBe('idNumber')
    expect(classifyQuery('11010519491231002x')).toBe('idNumber')
    expect(classifyQuery('1381234')).toBe('partialNumber')
    expect(classifyQuery('12345')).toBe('name')
  })
})

describe('change log', () => {
  it('names fields from the locale, codes and places by name, and hides the time stamps', () => {
    const lines = historyLines(
      {
        at: '2026-05-01T08:00:00Z',
        username: 'village_officer',
        corrected_by: '',
        action: 'update',
        changes: {
          ethnicity_code: ['01', '03'],
          current_address: ['A', 'B'],
          updated_at: ['x', 'y'],
          mystery: [null, 1],
          kind: ['registered', 'floating'],
          is_retired: [false, true],
          path: ['320111003001001', '320111003001002'],
          religion_code: ['', '99'],
          retired_at: [null, '2026-05-01T08:30:15.123456+00:00'],
        },
      },
      {
        code: (field, code) => (field === 'ethnicity_code' ? { '01': '汉族', '03': '回族' }[code] : undefined),
        places: { '320111003001002': 'G2' },
      },
    )
    expect(lines.map((l) => [l.label, l.before, l.after])).toEqual([
      ['民族', '汉族', '回族'],
      ['现住地址', 'A', 'B'],
      ['mystery', '—', '1'],
      ['人员类别', '户籍人口', '流动人口'],
      ['已注销', '否', '是'],
      ['所在辖区', '320111003001001', 'G2'],
      ['宗教信仰', '—', '99'],
      ['注销时间', '—', formatDateTime('2026-05-01T08:30:15.123456+00:00')],
    ])
    expect(lines.at(-1)?.after).toMatch(/^2026-05-01 \d{2}:30$/)
  })
  it('lists what a creation filled in, without the id and the flags still off', () => {
    const lines = historyLines({ at: '2026-05-01T08:00:00Z', username: 'u', action: 'create', corrected_by: '', changes: { id: [null, 5], name: [null, '王'], is_retired: [null, false] } })
    expect(lines.map((l) => [l.field, l.after])).toEqual([['name', '王']])
  })
})

describe('code options', () => {
  const item = (code: string, label: string, parent_code: string | null, is_retired = false): DictItemOut => ({
    id: Number(code),
    code,
    label,
    parent_code,
    sort: 0,
    is_retired,
    is_local: false,
    in_use: false,
  })
  it('puts children under their parent, indented, and leaves retired codes out', () => {
    const options = codeOptions([item('10', 'single', null), item('20', 'married', null), item('21', 'first', '20'), item('22', 'again', '20', true), item('31', 'orphan', '30')])
    expect(options.map((o) => [o.value, o.depth])).toEqual([
      ['10', 0],
      ['20', 0],
      ['21', 1],
      ['31', 0],
    ])
  })
})

describe('the form declared once', () => {
  it('has a field for every field of ResidentIn but the kind and the position', () => {
    const declared = new Set<string>(RESIDENT_FORM.map((f) => f.name))
    const body = buildResidentBody(blankFields())
    const missing = Object.keys(body).filter((k) => !declared.has(k) && !['kind', 'latitude', 'longitude'].includes(k))
    expect(missing).toEqual([])
    expect(Object.keys(body).sort()).toEqual(Object.keys(blankFields()).sort())
  })

  it("limits every typed text to the server schema's maxLength", () => {
    for (const f of RESIDENT_FORM.filter((x) => x.input === 'text' || x.input === 'suggest')) {
      expect(residentMaxLength(f.name), f.name).toBe((MAX_LENGTH.ResidentIn as Record<string, number>)[f.name])
      expect(residentMaxLength(f.name), f.name).toBeGreaterThan(0)
    }
  })

  it('shows the floating and overseas sections only for their kind', () => {
    expect(RESIDENT_SECTIONS.filter((s) => sectionOfKind(s, 'registered'))).toEqual(['basic', 'household'])
    expect(RESIDENT_SECTIONS.filter((s) => sectionOfKind(s, 'floating'))).toEqual(['basic', 'household', 'floating'])
    expect(RESIDENT_SECTIONS.filter((s) => sectionOfKind(s, 'overseas'))).toEqual(['basic', 'household', 'overseas'])
  })
})
