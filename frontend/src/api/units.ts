import { api, send, type CallOptions } from './http'
import type { DepartmentCreateIn, QueryOf, UnitCreateIn, UnitMoveIn } from './types'

type Opts = Pick<CallOptions, 'silent'>

export type UnitListFilter = QueryOf<'/api/units'>

export const unitsApi = {
  roots: () => send(api.GET('/api/units/roots')),
  children: (id: number, includeRetired = false) =>
    send(api.GET('/api/units/{unit_id}/children', { params: { path: { unit_id: id }, query: { include_retired: includeRetired || undefined } } })),
  get: (id: number) => send(api.GET('/api/units/{unit_id}', { params: { path: { unit_id: id } } })),
  list: (filter: UnitListFilter) => send(api.GET('/api/units', { params: { query: filter } })),
  create: (body: UnitCreateIn, opts?: Opts) => send(api.POST('/api/units', { body }), opts),
  rename: (id: number, name: string, opts?: Opts) => send(api.PATCH('/api/units/{unit_id}', { params: { path: { unit_id: id } }, body: { name } }), opts),
  move: (id: number, body: UnitMoveIn, opts?: Opts) => send(api.POST('/api/units/{unit_id}/move', { params: { path: { unit_id: id } }, body }), opts),
  retire: (id: number) => send(api.POST('/api/units/{unit_id}/retire', { params: { path: { unit_id: id } } })),
  restore: (id: number) => send(api.POST('/api/units/{unit_id}/restore', { params: { path: { unit_id: id } } })),
  staff: (id: number, page: { limit: number; offset: number }) =>
    send(api.GET('/api/units/{unit_id}/staff', { params: { path: { unit_id: id }, query: page } })),
  map: (id: number) => send(api.GET('/api/units/{unit_id}/map', { params: { path: { unit_id: id } } })),
  stats: (under?: number) => send(api.GET('/api/units/stats', { params: { query: { under } } })),
}

/** A newer division list (CSV or .xlsx): the differences with the tree, then their application. */
export const divisionsApi = {
  preview: (file: File, opts?: Opts) => send(api.POST('/api/units/divisions/preview', { body: { file } }), opts),
  /** The same file again, with the preview's digest; all or nothing. */
  apply: (file: File, digest: string, retire: boolean, opts?: Opts) =>
    send(api.POST('/api/units/divisions/apply', { body: { file, digest, retire } }), opts),
}

export const departmentsApi = {
  list: (unit: number, page: { limit: number; offset: number } = { limit: 100, offset: 0 }) =>
    send(api.GET('/api/departments', { params: { query: { unit, ...page } } })),
  create: (body: DepartmentCreateIn, opts?: Opts) => send(api.POST('/api/departments', { body }), opts),
  rename: (id: number, name: string, opts?: Opts) =>
    send(api.PATCH('/api/departments/{department_id}', { params: { path: { department_id: id } }, body: { name } }), opts),
  retire: (id: number) => send(api.POST('/api/departments/{department_id}/retire', { params: { path: { department_id: id } } })),
}
