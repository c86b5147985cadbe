import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/shared/i18n'
import { makeUnit } from './fixtures'

const roots = vi.fn()
const children = vi.fn()

vi.mock('@/api/units', () => ({
  unitsApi: {
    roots: () => roots(),
    children: (id: number, includeRetired: boolean) => children(id, includeRetired),
  },
}))

// Imported after the mock so the component uses it.
const { default: UnitTree } = await import('@/console/views/units/UnitTree.vue')

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

describe('UnitTree', () => {
  beforeEach(() => {
    roots.mockReset()
    children.mockReset()
  })

  it('loads the roots, opens a single root and loads its children', async () => {
    roots.mockResolvedValue([makeUnit(1, 'County A', { children_count: 2 })])
    children.mockImplementation((id: number) =>
      Promise.resolve(
        id === 1
          ? [
              makeUnit(2, 'Township B', { level: 'township', parent_id: 1, children_count: 1 }),
              makeUnit(3, 'Township C', { level: 'township', parent_id: 1, is_retired: true }),
            ]
          : [makeUnit(4, 'Village D', { level: 'village', parent_id: 2 })],
      ),
    )
    const wrapper = mount(UnitTree, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await settle()

    expect(roots).toHaveBeenCalledTimes(1)
    expect(children).toHaveBeenCalledWith(1, false)
    expect(wrapper.text()).toContain('County A')
    expect(wrapper.text()).toContain('Township B')
    expect(wrapper.text()).toContain('Township C')

    // Expanding a child loads the next level on demand.
    const nodeB = wrapper.findAll('.el-tree-node').find((n) => n.text().startsWith('Township B'))
    expect(nodeB).toBeDefined()
    await nodeB?.find('.el-tree-node__expand-icon').trigger('click')
    await settle()
    expect(children).toHaveBeenCalledWith(2, false)
    expect(wrapper.text()).toContain('Village D')
    wrapper.unmount()
  })

  it('emits select with the unit when a node is clicked', async () => {
    roots.mockResolvedValue([makeUnit(1, 'County A'), makeUnit(5, 'County E')])
    const wrapper = mount(UnitTree, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await settle()
    expect(children).not.toHaveBeenCalled()
    await wrapper.findAll('.el-tree-node__content')[1]?.trigger('click')
    const events = wrapper.emitted('select')
    expect(events?.[0]?.[0]).toMatchObject({ id: 5, name: 'County E' })
    wrapper.unmount()
  })

  it('asks for retired units when told to', async () => {
    roots.mockResolvedValue([makeUnit(1, 'County A', { children_count: 1 })])
    children.mockResolvedValue([])
    const wrapper = mount(UnitTree, { props: { includeRetired: true }, global: { plugins: [ElementPlus, i18n] } })
    await settle()
    expect(children).toHaveBeenCalledWith(1, true)
    wrapper.unmount()
  })
})
