import { http, type RequestOptions } from './http'
import type { CapabilityOut, RoleIn, RoleOut, RoleUpdateIn } from './types'

type Opts = Pick<RequestOptions, 'silent'>

export const rolesApi = {
  list: () => http.get<RoleOut[]>('/roles'),
  capabilities: () => http.get<CapabilityOut[]>('/roles/capabilities'),
  create: (body: RoleIn, opts?: Opts) => http.post<RoleOut>('/roles', body, opts),
  update: (id: number, body: RoleUpdateIn, opts?: Opts) => http.patch<RoleOut>(`/roles/${id}`, body, opts),
}
