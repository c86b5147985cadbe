import { http, type RequestOptions } from './http'
import type {
  DepartmentCreateIn,
  DepartmentOut,
  FeatureCollection,
  Paged,
  UnitCreateIn,
  UnitLevel,
  UnitMoveIn,
  UnitOut,
  UnitStats,
  UserOut,
} from './types'

type Opts = Pick<RequestOptions, 'silent'>

export interface UnitListFilter {
  q?: string
  level?: UnitLevel
  under?: number
  include_retired?: boolean
  limit?: number
  offset?: number
}

export const unitsApi = {
  roots: () => http.get<UnitOut[]>('/units/roots'),
  children: (id: number, includeRetired = false) =>
    http.get<UnitOut[]>(`/units/${id}/children`, { query: { include_retired: includeRetired || undefined } }),
  get: (id: number) => http.get<UnitOut>(`/units/${id}`),
  list: (filter: UnitListFilter) => http.get<Paged<UnitOut>>('/units', { query: { ...filter } }),
  create: (body: UnitCreateIn, opts?: Opts) => http.post<UnitOut>('/units', body, opts),
  rename: (id: number, name: string, opts?: Opts) => http.patch<UnitOut>(`/units/${id}`, { name }, opts),
  move: (id: number, body: UnitMoveIn, opts?: Opts) => http.post<UnitOut>(`/units/${id}/move`, body, opts),
  retire: (id: number) => http.post<UnitOut>(`/units/${id}/retire`),
  restore: (id: number) => http.post<UnitOut>(`/units/${id}/restore`),
  staff: (id: number, page: { limit: number; offset: number }) =>
    http.get<Paged<UserOut>>(`/units/${id}/staff`, { query: page }),
  map: (id: number) => http.get<FeatureCollection>(`/units/${id}/map`),
  stats: (under?: number) => http.get<UnitStats>('/units/stats', { query: { under } }),
}

export const departmentsApi = {
  list: (unit: number, page: { limit: number; offset: number } = { limit: 100, offset: 0 }) =>
    http.get<Paged<DepartmentOut>>('/departments', { query: { unit, ...page } }),
  create: (body: DepartmentCreateIn, opts?: Opts) => http.post<DepartmentOut>('/departments', body, opts),
  rename: (id: number, name: string, opts?: Opts) => http.patch<DepartmentOut>(`/departments/${id}`, { name }, opts),
  retire: (id: number) => http.post<DepartmentOut>(`/departments/${id}/retire`),
}
