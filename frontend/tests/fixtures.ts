import type { Me, UnitOut, UserOut } from '@/api/types'

export function makeUser(overrides: Partial<UserOut> = {}): UserOut {
  return {
    id: 1,
    username: 'wangwu',
    full_name: 'Wang Wu',
    phone_masked: '138****0000',
    unit: { id: 10, code: '320111003001', name: 'V1', level: 'village', path: '320111003001' },
    department: null,
    roles: [{ id: 1, code: 'grid_worker', name: 'Grid worker' }],
    view_scope: [],
    capture_scope: [],
    is_active: true,
    is_locked: false,
    must_change_password: false,
    otp_enabled: false,
    last_login: null,
    date_joined: '2024-01-01T00:00:00Z',
    ...overrides,
  }
}

export function makeMe(overrides: Partial<Me> = {}): Me {
  return {
    user: makeUser(),
    capabilities: [],
    password_change_required: false,
    agreement_required: false,
    otp_required: false,
    todo_count: 0,
    ...overrides,
  }
}

export function makeUnit(id: number, name: string, overrides: Partial<UnitOut> = {}): UnitOut {
  return {
    id,
    code: String(320000 + id),
    name,
    level: 'county',
    level_label: 'county',
    path: String(320000 + id),
    parent_id: null,
    is_retired: false,
    children_count: 0,
    staff_count: 0,
    ancestors: [],
    ...overrides,
  }
}

/**
 * jsdom's Blob, File and FormData are not the ones Node's fetch (undici) knows: a jsdom File in
 * a Request body loses its name and a response's Blob is not a jsdom Blob. Tests of what goes
 * over the wire use Node's own, as a browser has one set of them.
 */
export async function useNodeBodies(): Promise<void> {
  const { vi } = await import('vitest')
  const { Blob: NodeBlob, File: NodeFile } = await import('node:buffer')
  const form = await new Response(new URLSearchParams()).formData()
  vi.stubGlobal('Blob', NodeBlob)
  vi.stubGlobal('File', NodeFile)
  vi.stubGlobal('FormData', form.constructor)
}
