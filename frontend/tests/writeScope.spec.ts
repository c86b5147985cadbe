import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/shared/i18n'
import ChangeTimeline from '@/console/components/ChangeTimeline.vue'
import WriteScopeNote from '@/console/components/WriteScopeNote.vue'

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
