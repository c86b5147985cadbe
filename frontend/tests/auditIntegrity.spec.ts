import { describe, expect, it } from 'vitest'
import type { AuditVerifyOut } from '@/api/types'
import { describeVerdict, toVerifyIn } from '@/console/views/audit/useIntegrity'

const base: AuditVerifyOut = { ok: true, from_id: 10, to_id: 20, checked: 11, purged: 0, unsealed: 0, sealed_to: 20, broken: null }

describe('完整性校验 range', () => {
  it('sends a time range, or nothing for the whole log', () => {
    const since = new Date('2026-12-01T00:00:00Z')
    const until = new Date('2026-12-02T00:00:00Z')
    expect(toVerifyIn({ mode: 'time', range: [since, until], fromId: 5, toId: null })).toEqual({
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
    })
    expect(toVerifyIn({ mode: 'time', range: null, fromId: null, toId: null })).toEqual({})
  })

  it('sends an id range without the time range', () => {
    expect(toVerifyIn({ mode: 'id', range: null, fromId: 5, toId: null })).toEqual({ from_id: 5, to_id: undefined })
  })
})

describe('完整性校验 verdict', () => {
  it('says how many entries passed, and what was left out', () => {
    const v = describeVerdict({ ...base, unsealed: 3, purged: 2 })
    expect(v.type).toBe('success')
    expect(v.title).toBe('校验通过，共 11 条')
    expect(v.lines).toEqual([
      '校验范围：第 10 条至第 20 条',
      '另有 3 条记录尚未封存（每分钟封存一次），未参与校验',
      '2 条记录已超过保留期被清理，校验链照常衔接',
    ])
  })

  it('names the first broken link first', () => {
    const v = describeVerdict({
      ...base,
      ok: false,
      checked: 4,
      broken: { kind: 'changed', kind_label: '记录被修改', entry_id: 14, at: null, message: '第 14 条记录与封存时的内容不符：记录被修改' },
    })
    expect(v.type).toBe('error')
    expect(v.title).toBe('发现篡改：记录被修改')
    expect(v.lines[0]).toBe('第 14 条记录与封存时的内容不符：记录被修改')
    expect(v.lines).toContain('断点之前已核对 4 条，均无异常')
  })

  it('says the whole log was checked when no range was given', () => {
    expect(describeVerdict({ ...base, from_id: null, to_id: null }).lines[0]).toBe('校验范围：全部记录')
  })
})
