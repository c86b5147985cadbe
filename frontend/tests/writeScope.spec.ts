import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/shared/i18n'
import ChangeTimeline from '@/console/components/ChangeTimeline.vue'
import WriteScopeNote from '@/console/components/WriteScopeNote.vue'
import { writeModeOf } from '@/shared/writeScope'

const plugins = { global: { plugins: [ElementPlus, i18n] } }

describe("a lower level's record seen from above", () => {
  it('says upper levels only read it, and warns a corrector that the change is recorded', () => {
    const note = (mode: 'own' | 'correction' | 'lower_level' | 'none', retired = false) =>
      mount(WriteScopeNote, { props: { mode, retired }, ...plugins }).text()
    expect(note('lower_level')).toContain('上级单位只能查看下级数据')
    expect(note('correction')).toContain('上级更正下级数据')
    expect(note('own')).toBe('')
    expect(note('none')).toBe('')
    expect(note('correction', true)).toBe('')
  })

  it('marks a correction in the change log with the unit that made it', () => {
    const entries = [
      { at: '2026-05-02T08:00:00Z', username: 'wangqiang', action: 'update', corrected_by: '沿江街道', changes: {} },
      { at: '2026-05-01T08:00:00Z', username: 'lina', action: 'update', corrected_by: '', changes: {} },
      { at: '2026-05-01T07:00:00Z', username: 'wangqiang', action: 'registry.corrected', corrected_by: '沿江街道', changes: {} },
    ]
    const wrapper = mount(ChangeTimeline, { props: { entries, lines: () => [], empty: '' }, ...plugins })
    const items = wrapper.findAll('.zz-hl-head').map((h) => h.text())
    expect(items).toEqual(['修改wangqiang上级更正 · 沿江街道', '修改lina', '上级更正wangqiang上级更正 · 沿江街道'])
  })
})

describe('which units a list offers to add records in', () => {
  const unit = (path: string) => ({ id: path.length, code: path.padEnd(12, '0'), name: path, level: 'village' as const, path })
  const county = [unit('320111')]
  const township = [unit('320111003')]
  const village = [unit('320111003001')]
  const grids = [unit('320111003001001'), unit('320111003001002')]

  it('keeps each unit to its own records, a village with its grids', () => {
    expect(writeModeOf('320111003001', village, village, false)).toBe('own')
    expect(writeModeOf('320111003001002', village, village, false)).toBe('own')
    expect(writeModeOf('320111003001002', grids, village, false)).toBe('own')
    expect(writeModeOf('320111003001', grids, village, false)).toBe('none')
    expect(writeModeOf('320111003', township, township, false)).toBe('own')
    expect(writeModeOf('320111003001', township, township, false)).toBe('lower_level')
    expect(writeModeOf('320111003001001', county, county, false)).toBe('lower_level')
    expect(writeModeOf('320111004001', township, township, false)).toBe('none')
  })

  it('lets a corrector add in any unit they see', () => {
    expect(writeModeOf('320111003001', county, county, true)).toBe('correction')
    expect(writeModeOf('320111', county, county, true)).toBe('own')
    expect(writeModeOf('3201', county, county, true)).toBe('none')
  })
})
