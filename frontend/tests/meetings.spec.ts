import { describe, expect, it } from 'vitest'
import { buildBody, emptySearch, toFilter, type MeetingFormState } from '../src/console/views/office/meetings/useMeetings'
import { toFilter as logFilter, emptySearch as emptyLogSearch } from '../src/console/views/office/workLogs/useWorkLogs'

function state(over: Partial<MeetingFormState>): MeetingFormState {
  return {
    visible: true,
    busy: false,
    editingId: null,
    unitId: null,
    kind: 'regular',
    category: '',
    name: ' n ',
    heldAt: '2026-12-01T09:00:00+08:00',
    location: 'l',
    attendees: 'a',
    topic: 't',
    content: '',
    minutes: 'm',
    decisions: [{ text: ' x ', holderUnitId: 3, holderDepartmentId: null, dueOn: '2026-12-20' }],
    existing: [],
    attachmentIds: [7],
    uploading: false,
    errors: {},
    ...over,
  }
}

describe('meeting form body', () => {
  it('sends no minutes or decisions for a regular meeting', () => {
    const body = buildBody(state({}))
    expect(body.decisions).toEqual([])
    expect(body.minutes).toBe('')
    expect(body.name).toBe('n')
    expect(body.attachment_ids).toEqual([7])
  })

  it('sends decisions of a joint meeting, a department taking the place of the unit', () => {
    const body = buildBody(state({ kind: 'joint', decisions: [{ text: ' x ', holderUnitId: 3, holderDepartmentId: 9, dueOn: '2026-12-20' }] }))
    expect(body.decisions).toEqual([{ text: 'x', due_on: '2026-12-20', holder_unit_id: null, holder_department_id: 9 }])
    expect(body.minutes).toBe('m')
  })
})

describe('list filters', () => {
  it('leaves out empty filters', () => {
    expect(toFilter(emptySearch(), null)).toEqual({ unit: undefined, since: undefined, until: undefined, kind: undefined, q: undefined, withdrawn: undefined, cursor: undefined, limit: 20 })
    const s = { ...emptyLogSearch(), q: ' 走访 ', mine: true, dates: ['2026-11-01', '2026-11-30'] as [string, string] }
    expect(logFilter(s, 5)).toMatchObject({ q: '走访', mine: true, since: '2026-11-01', until: '2026-11-30', cursor: 5 })
  })
})
