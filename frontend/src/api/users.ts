import { api, send, type CallOptions } from './http'
import type { GrantsIn, QueryOf, UserCreateIn, UserUpdateIn } from './types'

type Opts = Pick<CallOptions, 'silent'>

export type UserListFilter = QueryOf<'/api/users'>

export const usersApi = {
  list: (filter: UserListFilter) => send(api.GET('/api/users', { params: { query: filter } })),
  create: (body: UserCreateIn, opts?: Opts) => send(api.POST('/api/users', { body }), opts),
  update: (id: number, body: UserUpdateIn, opts?: Opts) => send(api.PATCH('/api/users/{user_id}', { params: { path: { user_id: id } }, body }), opts),
  grants: (id: number, body: GrantsIn, opts?: Opts) => send(api.PUT('/api/users/{user_id}/grants', { params: { path: { user_id: id } }, body }), opts),
  resetPassword: (id: number, newPassword: string, opts?: Opts) =>
    send(api.POST('/api/users/{user_id}/reset-password', { params: { path: { user_id: id } }, body: { new_password: newPassword } }), opts),
  deactivate: (id: number) => send(api.POST('/api/users/{user_id}/deactivate', { params: { path: { user_id: id } } })),
  activate: (id: number) => send(api.POST('/api/users/{user_id}/activate', { params: { path: { user_id: id } } })),
  unlock: (id: number) => send(api.POST('/api/users/{user_id}/unlock', { params: { path: { user_id: id } } })),
  /** Reveals the full number; the server writes an audit record. */
  phone: (id: number) => send(api.GET('/api/users/{user_id}/phone', { params: { path: { user_id: id } } })),
}
