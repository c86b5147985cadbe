import { api, send, type CallOptions } from './http'
import type { RoleIn, RoleUpdateIn } from './types'

type Opts = Pick<CallOptions, 'silent'>

export const rolesApi = {
  list: () => send(api.GET('/api/roles')),
  capabilities: () => send(api.GET('/api/roles/capabilities')),
  create: (body: RoleIn, opts?: Opts) => send(api.POST('/api/roles', { body }), opts),
  update: (id: number, body: RoleUpdateIn, opts?: Opts) => send(api.PATCH('/api/roles/{role_id}', { params: { path: { role_id: id } }, body }), opts),
}
