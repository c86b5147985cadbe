import { describe, expect, it } from 'vitest'
import type { MustDoItem } from '@/api/mustDo'
import { groupByKind, isPending, linkOf, pendingKeys, progressOf } from '@/mobile/mustDoList'
import { barColor, progressStatus, shareClass } from '@/console/views/field/mustDo/useMustDo'

function item(id: number, kind: MustDoItem['kind'], ref_id: number, done = false): MustDoItem {
  return {
    id,
    kind,
    kind_label: kind,
    ref_id,
    title: `item ${id}`,
    detail: '',
    due_on: null,
    done,
    done_at: done ? '2026-12-05T09:00:00+08:00' : null,
    done_how: done ? 'data' : '',
    done_note: '',
    manual: kind === 'document' || kind === 'patrol',
  }
}

describe('the must-do list on the phone', () => {
  it('opens each item where its work is done', () => {
    expect(linkOf(item(1, 'visit', 7))).toEqual({ name: 'm-visit', params: { id: 7 } })
    expect(linkOf(item(2, 'case', 8))).toEqual({ name: 'm-case', params: { id: 8 } })
    expect(linkOf(item(3, 'warning', 9))).toEqual({ name: 'm-warning', params: { id: 9 } })
    expect(linkOf(item(4, 'zero_report', 0))).toEqual({ name: 'm-zero' })
    expect(linkOf(item(5, 'inspection', 11))).toEqual({ path: '/capture/inspection/11' })
    expect(linkOf(item(6, 'patrol', 12))).toEqual({ path: '/patrol', query: { route: '12' } })
    expect(linkOf(item(7, 'document', 13))).toBeNull()
  })

  it('groups by kind in the list order and counts what is done', () => {
    const groups = groupByKind([item(1, 'case', 1), item(2, 'visit', 2, true), item(3, 'visit', 3)])
    expect(groups.map((g) => [g.kind, g.done, g.items.length])).toEqual([
      ['visit', 1, 2],
      ['case', 0, 1],
    ])
  })

  it('shows as waiting to upload what a queued change will tick off', () => {
    const keys = pendingKeys([
      { kind: 'mustdo.tick', body: { item_id: 5, note: 'x' } },
      { kind: 'visit', body: { category_id: 7 } },
      { kind: 'inspection.create', body: { facility_id: '11' } },
      { kind: 'resident.create', body: { name: '张三' } },
    ])
    expect(isPending(item(5, 'document', 13), keys)).toBe(true)
    expect(isPending(item(1, 'visit', 7), keys)).toBe(true)
    expect(isPending(item(2, 'inspection', 11), keys)).toBe(true)
    expect(isPending(item(3, 'visit', 8), keys)).toBe(false)
    expect(isPending(item(4, 'visit', 7, true), keys)).toBe(false) // done already
    expect(progressOf({ items: [item(5, 'document', 13), item(4, 'visit', 9, true), item(6, 'case', 1)] }, keys)).toEqual({
      done: 1,
      pending: 1,
      total: 3,
    })
  })
})

describe('the completion board', () => {
  it('colours a share and a progress bar on one scale', () => {
    expect(shareClass(0, 0)).toBe('zz-share-none')
    expect(shareClass(0, 5)).toBe('zz-share-zero')
    expect(shareClass(2, 5)).toBe('zz-share-low')
    expect(shareClass(4, 5)).toBe('zz-share-mid')
    expect(shareClass(9, 10)).toBe('zz-share-high')
    expect(progressStatus(95, 10)).toBe('success')
    expect(progressStatus(30, 10)).toBe('exception')
    expect(progressStatus(0, 0)).toBe('')
    expect(barColor(95)).toBe('#67c23a')
    expect(barColor(10)).toBe('#f56c6c')
  })
})
