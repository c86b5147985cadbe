import { http, type RequestOptions } from './http'
import type {
  CategoryGroup,
  CategoryIn,
  CategoryOut,
  CategoryPage,
  CategorySpec,
  ExportIn,
  ExportOut,
  ImportConfirmIn,
  ImportField,
  ImportJob,
  ImportMode,
  InspectionIn,
  MissingListIn,
  MemberIn,
  OccupantIn,
  PlaceGrid,
  PlaceIn,
  PlaceKind,
  PlaceMap,
  PlaceOut,
  PlacePage,
  PlaceSpec,
  ResidentFilter,
  ResidentIn,
  ResidentKind,
  ResidentOut,
  ResidentPage,
  RevealField,
  RevealOut,
  ServiceStats,
  VisitCreatedOut,
  VisitIn,
} from './types'

type Opts = Pick<RequestOptions, 'silent'>

/** List filter as the page holds it: every field optional, `kind` one of the three kinds. */
export type ResidentListFilter = Partial<Omit<ResidentFilter, 'kind'>> & { kind?: ResidentKind }

export const residentsApi = {
  /** Residents in the caller's scope, newest first; pass `next_cursor` back as `cursor`. */
  list: (filter: ResidentListFilter) => http.get<ResidentPage>('/registry/residents', { query: { ...filter } }),
  get: (id: number) => http.get<ResidentOut>(`/registry/residents/${id}`),
  create: (body: ResidentIn, opts?: Opts) => http.post<ResidentOut>('/registry/residents', body, opts),
  update: (id: number, body: ResidentIn, opts?: Opts) => http.put<ResidentOut>(`/registry/residents/${id}`, body, opts),
  retire: (id: number, reason: string, opts?: Opts) => http.post<ResidentOut>(`/registry/residents/${id}/retire`, { reason }, opts),
  /** The full ID number or phone; the server writes every look to the audit log. */
  reveal: (id: number, field: RevealField, opts?: Opts) => http.post<RevealOut>(`/registry/residents/${id}/reveal`, { field }, opts),
}

/** The list filter of key persons / care recipients; `due` gives the visits coming due, soonest first. */
export interface CategoryListFilter {
  group: CategoryGroup
  category?: string
  under?: number
  due?: 'soon' | 'overdue'
  q?: string
  include_retired?: boolean
  cursor?: number
  limit?: number
}

/** Key persons and care recipients (listing), their visits, and the on-time visit statistics. */
export const categoriesApi = {
  list: (filter: CategoryListFilter, opts?: Opts) => http.get<CategoryPage>('/registry/categories', { ...opts, query: { ...filter } }),
  get: (id: number, opts?: Opts) => http.get<CategoryOut>(`/registry/categories/${id}`, opts),
  /** Every category code with its own fields, risk levels and default visit frequency. */
  specs: () => http.get<CategorySpec[]>('/registry/category-specs'),
  create: (residentId: number, body: CategoryIn, opts?: Opts) => http.post<CategoryOut>(`/registry/residents/${residentId}/categories`, body, opts),
  update: (id: number, body: CategoryIn, opts?: Opts) => http.put<CategoryOut>(`/registry/categories/${id}`, body, opts),
  retire: (id: number, reason: string, opts?: Opts) => http.post<CategoryOut>(`/registry/categories/${id}/retire`, { reason }, opts),
  /** A personal field (a guardian's phone) in full; audited. */
  reveal: (id: number, field: string, opts?: Opts) => http.post<RevealOut>(`/registry/categories/${id}/reveal`, { field }, opts),
  /** 201 for a new visit, 200 with created=false when the same client_id was sent before. */
  visit: (id: number, body: VisitIn, opts?: Opts) => http.post<VisitCreatedOut>(`/registry/categories/${id}/visits`, body, opts),
  serviceStats: (group: CategoryGroup, unit?: number | null) => http.get<ServiceStats>('/registry/service-stats', { query: { group, unit } }),
}

/** Imports and comparisons of resident spreadsheets; each job is its uploader's. */
export const importsApi = {
  template: () => http.get<Blob>('/registry/imports/template', { responseType: 'blob' }),
  /** Upload a file; with `review` the job stops after reading the file's head, for the columns to be confirmed. */
  start: (file: File, mode: ImportMode, unitId: number | null, review: boolean, opts?: Opts) => {
    const form = new FormData()
    form.append('file', file)
    form.append('mode', mode)
    form.append('review', String(review))
    if (unitId !== null) form.append('unit_id', String(unitId))
    return http.post<ImportJob>('/registry/imports', form, opts)
  },
  /** The fields a file's columns can go to, with the values to choose from. */
  fields: () => http.get<ImportField[]>('/registry/imports/fields'),
  /** Confirm or correct an upload's columns, give values to missing required columns, and start. */
  confirm: (id: number, body: ImportConfirmIn, opts?: Opts) => http.post<ImportJob>(`/registry/imports/${id}/confirm`, body, opts),
  list: () => http.get<ImportJob[]>('/registry/imports'),
  get: (id: number, opts?: Opts) => http.get<ImportJob>(`/registry/imports/${id}`, opts),
  cancel: (id: number) => http.post<ImportJob>(`/registry/imports/${id}/cancel`),
  rejects: (id: number) => http.get<Blob>(`/registry/imports/${id}/rejects`, { responseType: 'blob' }),
  report: (id: number) => http.get<Blob>(`/registry/imports/${id}/report`, { responseType: 'blob' }),
  /** Ask the unit above for the list of a comparison's registered people missing from the file (an export request). */
  missingList: (id: number, body: MissingListIn, opts?: Opts) => http.post<ExportOut>(`/registry/imports/${id}/missing-list`, body, opts),
}

/** Export requests: asked for by one unit, approved or refused by the unit above. */
export const exportsApi = {
  request: (body: ExportIn, opts?: Opts) => http.post<ExportOut>('/registry/exports', body, opts),
  list: (box: 'mine' | 'approve') => http.get<ExportOut[]>('/registry/exports', { query: { box } }),
  approve: (id: number, note: string, opts?: Opts) => http.post<ExportOut>(`/registry/exports/${id}/approve`, { note }, opts),
  refuse: (id: number, note: string, opts?: Opts) => http.post<ExportOut>(`/registry/exports/${id}/refuse`, { note }, opts),
  withdraw: (id: number) => http.post<ExportOut>(`/registry/exports/${id}/withdraw`),
  file: (id: number) => http.get<Blob>(`/registry/exports/${id}/file`, { responseType: 'blob' }),
}

/** What selects places, in the list and on the map alike. */
export interface PlaceMapFilter {
  q?: string
  category?: string
  under?: number
  use?: string
  missing?: boolean
  include_retired?: boolean
}

export interface PlaceListFilter extends PlaceMapFilter {
  cursor?: number
  limit?: number
}

/** Compounds, houses, key places, security facilities and organisations: one API for the five kinds. */
export const placesApi = {
  specs: () => http.get<PlaceSpec[]>('/registry/place-specs'),
  list: (kind: PlaceKind, filter: PlaceListFilter, opts?: Opts) => http.get<PlacePage>(`/registry/places/${kind}`, { ...opts, query: { ...filter } }),
  /** The positions of the places the filter selects (the newest ones when `capped`). */
  map: (kind: PlaceKind, filter: PlaceMapFilter) => http.get<PlaceMap>(`/registry/places/${kind}/map`, { query: { ...filter } }),
  /** The grid a position would place a record in (within the caller's capture scope), or none. */
  grid: (latitude: number, longitude: number) => http.get<PlaceGrid>('/registry/place-grid', { silent: true, query: { latitude, longitude } }),
  get: (kind: PlaceKind, id: number, opts?: Opts) => http.get<PlaceOut>(`/registry/places/${kind}/${id}`, opts),
  create: (kind: PlaceKind, body: PlaceIn, opts?: Opts) => http.post<PlaceOut>(`/registry/places/${kind}`, body, opts),
  update: (kind: PlaceKind, id: number, body: PlaceIn, opts?: Opts) => http.put<PlaceOut>(`/registry/places/${kind}/${id}`, body, opts),
  retire: (kind: PlaceKind, id: number, reason: string, opts?: Opts) => http.post<PlaceOut>(`/registry/places/${kind}/${id}/retire`, { reason }, opts),
  reveal: (kind: PlaceKind, id: number) => http.post<RevealOut>(`/registry/places/${kind}/${id}/reveal`),
  inspect: (id: number, body: InspectionIn, opts?: Opts) => http.post<PlaceOut>(`/registry/places/facilities/${id}/inspections`, body, opts),
  addOccupant: (houseId: number, body: OccupantIn, opts?: Opts) => http.post<PlaceOut>(`/registry/places/houses/${houseId}/occupants`, body, opts),
  /** The occupant moved out today. */
  endOccupancy: (houseId: number, occupantId: number) => http.post<PlaceOut>(`/registry/places/houses/${houseId}/occupants/${occupantId}/end`),
  addMember: (orgId: number, body: MemberIn, opts?: Opts) => http.post<PlaceOut>(`/registry/places/organisations/${orgId}/members`, body, opts),
  removeMember: (orgId: number, memberId: number) => http.post<PlaceOut>(`/registry/places/organisations/${orgId}/members/${memberId}/remove`),
}
