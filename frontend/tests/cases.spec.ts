import { describe, expect, it } from 'vitest'
import type { DictItemOut } from '@/api/types'
import {
  ACTION_SPECS,
  actionPayload,
  buildCategoryTree,
  buildDisputeTitle,
  categoryPath,
  emptyActionForm,
  needsForm,
  overdueLabel,
  supervisionLabel,
  validateAction,
} from '@/shared/cases'
import { MENU, filterMenu } from '@/console/layout/menu'
import { buildCreateBody, type CaseFormState } from '@/console/views/cases/useCaseForm'
import { toFilter, emptySearch } from '@/console/views/cases/useCases'

describe('labels', () => {
  it('names supervision levels and overdue cards', () => {
    expect([1, 2, 3].map(supervisionLabel)).toEqual(['普通督办', '黄牌督办', '红牌督办'])
    expect(supervisionLabel(0)).toBe('')
    expect([0, 2, 3].map(overdueLabel)).toEqual(['', '黄牌', '红牌'])
  })
})

describe('dispute title helper', () => {
  it('builds "A与B的XX纠纷" from two parties and the category', () => {
    expect(buildDisputeTitle('王某某', '黄某某', '劳资纠纷')).toBe('王某某与黄某某的劳资纠纷')
  })
  it('adds the dispute suffix when the label lacks it and trims names', () => {
    expect(buildDisputeTitle(' 张三 ', '李四', '邻里')).toBe('张三与李四的邻里纠纷')
  })
  it('works with one party and is empty with none', () => {
    expect(buildDisputeTitle('张三', '', '物业纠纷')).toBe('张三的物业纠纷')
    expect(buildDisputeTitle('', '李四', '物业纠纷')).toBe('李四的物业纠纷')
    expect(buildDisputeTitle('', '  ', '物业纠纷')).toBe('')
  })
  it('still reads when no category is chosen yet', () => {
    expect(buildDisputeTitle('张三', '李四', '')).toBe('张三与李四的纠纷')
  })
})

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

describe('event category cascader', () => {
  const items = [item('01', 'disputes', null), item('0101', 'family', '01'), item('0108', 'wages', '01'), item('02', 'security', null), item('0201', 'old', '02', true)]
  it('nests children under parent_code and leaves retired codes out', () => {
    const tree = buildCategoryTree(items)
    expect(tree.map((n) => n.value)).toEqual(['01', '02'])
    expect(tree[0]?.children?.map((n) => n.value)).toEqual(['0101', '0108'])
    expect(tree[1]?.children).toBeUndefined()
  })
  it('finds the path of a code', () => {
    expect(categoryPath(items, '0108')).toEqual(['01', '0108'])
  })
})

describe('action forms ask for what the server requires', () => {
  const required = (a: string): string[] => Object.keys(validateAction(a, emptyActionForm())).sort()

  it('requires a comment where the service refuses without one', () => {
    for (const a of ['return', 'escalate', 'progress', 'reject', 'cancel', 'disapprove']) expect(required(a)).toEqual(['comment'])
  })
  it('lets accept, confirm, archive, resubmit and approvals go without a comment', () => {
    for (const a of ['accept', 'confirm', 'archive', 'resubmit', 'approve', 'approve_extension', 'reject_extension']) expect(required(a)).toEqual([])
  })
  it('dispatch needs a unit or a department', () => {
    expect(required('dispatch')).toEqual(['target_unit_id'])
    expect(validateAction('dispatch', { ...emptyActionForm(), targetDepartmentId: 3 })).toEqual({})
    expect(validateAction('dispatch', { ...emptyActionForm(), targetUnitId: 9 })).toEqual({})
  })
  it('supervise needs a level and an opinion; extension needs days and a reason', () => {
    expect(required('supervise')).toEqual(['comment'])
    expect(validateAction('supervise', { ...emptyActionForm(), comment: 'x', level: 4 as 1 })).toHaveProperty('level')
    expect(required('request_extension')).toEqual(['comment', 'days'])
  })
  it('complete needs a result, follow-up a satisfaction', () => {
    expect(required('complete')).toEqual(['result'])
    expect(required('follow_up')).toEqual(['satisfaction'])
  })
  it('sends the version and only the fields the action uses', () => {
    const form = { ...emptyActionForm(), comment: ' ok ', targetUnitId: 5, days: 3, result: 'done', satisfaction: 'basic' as const }
    expect(actionPayload('accept', form, 7)).toEqual({ version: 7, comment: 'ok', result: '', satisfaction: '' })
    expect(actionPayload('dispatch', form, 2)).toMatchObject({ version: 2, target_unit_id: 5 })
    expect(actionPayload('dispatch', { ...form, targetDepartmentId: 8 }, 2)).toMatchObject({ target_department_id: 8 })
    expect(actionPayload('complete', { ...form, attachmentIds: [3] }, 2).attachment_ids).toEqual([3])
    expect(actionPayload('dispatch', { ...form, targetDepartmentId: 8 }, 2)).not.toHaveProperty('target_unit_id')
    expect(actionPayload('request_extension', form, 1)).toMatchObject({ days: 3 })
    expect(actionPayload('complete', form, 1)).toMatchObject({ result: 'done', comment: '' })
    expect(actionPayload('follow_up', form, 1)).toMatchObject({ satisfaction: '基本满意' })
    expect(actionPayload('supervise', { ...form, level: 3 }, 1)).toMatchObject({ level: 3, comment: 'ok' })
  })
  it('knows every action of the service', () => {
    const server = ['approve', 'disapprove', 'accept', 'return', 'resubmit', 'dispatch', 'escalate', 'progress', 'request_extension', 'approve_extension', 'reject_extension', 'complete', 'confirm', 'reject', 'supervise', 'follow_up', 'archive', 'cancel']
    expect(Object.keys(ACTION_SPECS).sort()).toEqual([...server].sort())
    for (const a of server) expect(needsForm(a)).toBe(true)
  })
})

describe('case list and create form', () => {
  it('leaves empty filters out of the query', () => {
    const s = { ...emptySearch(4), q: '  ', dates: ['2026-01-01', '2026-01-31'] as [string, string] }
    expect(toFilter('todo', s, null)).toEqual({
      box: 'todo',
      kind: undefined,
      category: undefined,
      status: undefined,
      under: 4,
      since: '2026-01-01',
      until: '2026-01-31',
      supervision: undefined,
      q: undefined,
      cursor: undefined,
      limit: 20,
    })
    expect(toFilter('all', emptySearch(null), 99).cursor).toBe(99)
  })

  const base: Omit<CaseFormState, 'visible' | 'busy' | 'errors'> = {
    kind: 'rectification',
    categoryCode: '0108',
    title: ' T ',
    description: '',
    occurredAt: '2026-01-01T08:00:00+08:00',
    peopleCount: 3,
    parties: [{ name: ' A ', role: '' }, { name: '', role: '' }],
    address: '',
    urgency: 'normal',
    isMajor: false,
    targetMode: 'department',
    targetUnitId: 1,
    targetDepartmentId: 2,
    dueDate: '2026-02-01',
    requirements: 'r',
    requestType: 'help',
    hazard: 'h',
    measures: 'm',
    funds: '',
    contingencyPlan: 'c',
    petitionForm: 'online',
    petitionerName: 'P',
    petitionerCount: 2,
    attachmentIds: [],
    uploading: false,
  }
  it('sends each kind its own fields', () => {
    expect(buildCreateBody(base)).toMatchObject({
      kind: 'rectification',
      title: 'T',
      target_department_id: 2,
      due_date: '2026-02-01',
      details: { hazard: 'h', measures: 'm', funds: '', contingency_plan: 'c' },
    })
    expect(buildCreateBody(base)).not.toHaveProperty('target_unit_id')
    expect(buildCreateBody({ ...base, kind: 'event' })).toMatchObject({ category_code: '0108', people_count: 3, parties: [{ name: 'A', role: '' }], details: {} })
    expect(buildCreateBody({ ...base, kind: 'request' }).details).toEqual({ request_type: '求助' })
    expect(buildCreateBody({ ...base, kind: 'petition' }).details).toEqual({ form: '网上信访', petitioner_name: 'P', petitioner_count: 2 })
    expect(buildCreateBody({ ...base, kind: 'task', targetMode: 'unit' })).toMatchObject({ target_unit_id: 1, details: { requirements: 'r' } })
    expect(buildCreateBody(base)).not.toHaveProperty('attachment_ids')
    expect(buildCreateBody({ ...base, attachmentIds: [4, 5] }).attachment_ids).toEqual([4, 5])
  })

  it('shows the case menu to handlers, supervisors and record readers only', () => {
    const keys = (caps: string[]): string[] => filterMenu(MENU, caps).flatMap((i) => [i.key, ...(i.children ?? []).map((c) => c.key)])
    expect(keys([])).not.toContain('cases')
    for (const cap of ['cases.handle', 'cases.supervise', 'records.read']) expect(keys([cap])).toContain('casesTodo')
    const cases = filterMenu(MENU, ['cases.handle']).find((i) => i.key === 'cases')
    expect(cases?.soon).toBeUndefined()
  })
})
