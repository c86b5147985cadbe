import { describe, expect, it } from 'vitest'
import type { DivisionChangeOut, DivisionPlanOut } from '@/api/types'
import { blocking, loadText } from '@/console/views/units/useDivisions'

function change(over: Partial<DivisionChangeOut>): DivisionChangeOut {
  return {
    kind: 'recoded', code: '320192009000', name: '沿江街道', level: 'township', parent_code: '320192000000',
    unit_id: 1, old_code: '320111003000', old_name: null, records: 0, staff: 0, grids: 0, problem: null, ...over,
  }
}

function plan(changes: DivisionChangeOut[]): DivisionPlanOut {
  return { applied: false, rows: changes.length, unchanged: 0, digest: 'x', counts: {}, changes }
}

describe('division list preview', () => {
  it('says what lies under a unit no longer listed, and nothing for other changes', () => {
    expect(loadText(change({ kind: 'unlisted', records: 12, grids: 2, staff: 1 }))).toBe('下有 12 条记录、2 个网格、1 个在用账号')
    expect(loadText(change({}))).toBe('')
  })

  it('blocks the apply on a change out of scope; an unlisted one only when it is to be retired', () => {
    const outOfScope = change({ problem: '不在您的录入和维护范围内' })
    const unlisted = change({ kind: 'unlisted', problem: '不在您的录入和维护范围内' })
    expect(blocking(plan([change({}), unlisted]), false)).toEqual([])
    expect(blocking(plan([change({}), unlisted]), true)).toEqual([unlisted])
    expect(blocking(plan([outOfScope]), false)).toEqual([outOfScope])
    expect(blocking(null, true)).toEqual([])
  })
})
