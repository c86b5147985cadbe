import { http, type RequestOptions } from './http'
import type { GrantsIn, Paged, PhoneOut, UserCreateIn, UserOut, UserUpdateIn } from './types'

type Opts = Pick<RequestOptions, 'silent'>

export interface UserListFilter {
  unit?: number
  role?: string
  q?: string
  is_active?: boolean
  limit?: number
  offset?: number
}

export const usersApi = {
  list: (filter: UserListFilter) => http.get<Paged<UserOut>>('/users', { query: { ...filter } }),
  create: (body: UserCreateIn, opts?: Opts) => http.post<UserOut>('/users', body, opts),
  update: (id: number, body: UserUpdateIn, opts?: Opts) => http.patch<UserOut>(`/users/${id}`, body, opts),
  grants: (id: number, body: GrantsIn, opts?: Opts) => http.put<UserOut>(`/users/${id}/grants`, body, opts),
  resetPassword: (id: number, newPassword: string, opts?: Opts) =>
    http.post<void>(`/users/${id}/reset-password`, { new_password: newPassword }, opts),
  deactivate: (id: number) => http.post<UserOut>(`/users/${id}/deactivate`),
  activate: (id: number) => http.post<UserOut>(`/users/${id}/activate`),
  unlock: (id: number) => http.post<UserOut>(`/users/${id}/unlock`),
  /** Reveals the full number; the server writes an audit record. */
  phone: (id: number) => http.get<PhoneOut>(`/users/${id}/phone`),
}
