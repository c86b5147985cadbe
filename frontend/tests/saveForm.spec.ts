import { describe, expect, it, vi } from 'vitest'

const shown: string[] = []
vi.mock('element-plus', () => ({ ElMessage: { error: (m: string) => shown.push(m) } }))

import { ApiError } from '@/api/http'
import { saveForm } from '@/console/saveForm'

describe('saveForm', () => {
  it('marks the form busy while saving and reports success', async () => {
    const form = { busy: false, errors: { old: 'x' } }
    let busyDuring = false
    const ok = await saveForm(form, async () => {
      busyDuring = form.busy
    })
    expect(ok).toBe(true)
    expect(busyDuring).toBe(true)
    expect(form.busy).toBe(false)
    expect(form.errors).toEqual({})
  })

  it('puts the server field errors under their fields', async () => {
    const form = { busy: false, errors: {} }
    const ok = await saveForm(form, async () => {
      throw new ApiError(400, { code: 'invalid_input', message: '名称不能为空', errors: [{ field: 'name', message: '名称不能为空' }] })
    })
    expect(ok).toBe(false)
    expect(form.errors).toEqual({ name: '名称不能为空' })
    expect(form.busy).toBe(false)
  })

  it('shows the message when no field is named', async () => {
    shown.length = 0
    const form = { busy: false, errors: {} }
    await saveForm(form, async () => {
      throw new ApiError(409, { code: 'conflict', message: '数据已被他人修改' })
    })
    expect(shown).toEqual(['数据已被他人修改'])
  })
})
