import { api, send, type CallOptions } from './http'
import type {
  CategoryGroup,
  CategoryIn,
  ExportIn,
  ImportConfirmIn,
  ImportMode,
  InspectionIn,
  MemberIn,
  MissingListIn,
  OccupantIn,
  PlaceCreateIn,
  PlaceIn,
  ResidentChangeIn,
  PlaceKind,
  QueryOf,
  ResidentIn,
  ResidentKind,
  RevealField,
  VisitIn,
} from './types'

type Opts = Pick<CallOptions, 'silent'>

/** List filter as the page holds it: every field optional, `kind` one of the three kinds. */
export interface ResidentListFilter extends QueryOf<'/api/registry/residents'> {
  kind?: ResidentKind
}

export const residentsApi = {
  /** Residents in the caller's scope, newest first; pass `next_cursor` back as `cursor`. */
  list: (filter: ResidentListFilter) => send(api.GET('/api/registry/residents', { params: { query: filter } })),
  total: (filter: ResidentListFilter) => send(api.GET('/api/registry/residents/total', { params: { query: filter } }), { silent: true }),
  get: (id: number) => send(api.GET('/api/registry/residents/{resident_id}', { params: { path: { resident_id: id } } })),
  create: (body: ResidentIn, opts?: Opts) => send(api.POST('/api/registry/residents', { body }), opts),
  update: (id: number, body: ResidentIn, opts?: Opts) =>
    send(api.PUT('/api/registry/residents/{resident_id}', { params: { path: { resident_id: id } }, body }), opts),
  retire: (id: number, reason: string, opts?: Opts, seenUpdatedAt?: string) =>
    send(
      api.POST('/api/registry/residents/{resident_id}/retire', {
        params: { path: { resident_id: id } },
        body: { reason, seen_updated_at: seenUpdatedAt ?? null },
      }),
      opts,
    ),
  /** The phone's change (phone, current address, another grid); 409 stale_record when changed since `seen_updated_at`. */
  change: (id: number, body: ResidentChangeIn, opts?: Opts) =>
    send(api.PATCH('/api/registry/residents/{resident_id}', { params: { path: { resident_id: id } }, body }), opts),
  /** Before registering: is this ID number registered already (audited as a search by ID number)? */
  lookup: (idNumber: string, opts?: Opts) => send(api.POST('/api/registry/residents/lookup', { body: { id_number: idNumber } }), opts),
  /** The full ID number or phone; the server writes every look to the audit log. */
  reveal: (id: number, field: RevealField, opts?: Opts) =>
    send(api.POST('/api/registry/residents/{resident_id}/reveal', { params: { path: { resident_id: id } }, body: { field } }), opts),
}

/** The list filter of key persons / care recipients; `due` gives the visits coming due, soonest first. */
export interface CategoryListFilter extends QueryOf<'/api/registry/categories'> {
  group: CategoryGroup
  due?: 'soon' | 'overdue'
}

/** Key persons and care recipients (listing), their visits, and the on-time visit statistics. */
export const categoriesApi = {
  list: (filter: CategoryListFilter, opts?: Opts) => send(api.GET('/api/registry/categories', { params: { query: filter } }), opts),
  total: (filter: CategoryListFilter) => send(api.GET('/api/registry/categories/total', { params: { query: filter } }), { silent: true }),
  get: (id: number, opts?: Opts) => send(api.GET('/api/registry/categories/{category_id}', { params: { path: { category_id: id } } }), opts),
  /** Every category code with its own fields, risk levels and default visit frequency. */
  specs: () => send(api.GET('/api/registry/category-specs')),
  create: (residentId: number, body: CategoryIn, opts?: Opts) =>
    send(api.POST('/api/registry/residents/{resident_id}/categories', { params: { path: { resident_id: residentId } }, body }), opts),
  update: (id: number, body: CategoryIn, opts?: Opts) =>
    send(api.PUT('/api/registry/categories/{category_id}', { params: { path: { category_id: id } }, body }), opts),
  retire: (id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/registry/categories/{category_id}/retire', { params: { path: { category_id: id } }, body: { reason } }), opts),
  /** A personal field (a guardian's phone) in full; audited. */
  reveal: (id: number, field: string, opts?: Opts) =>
    send(api.POST('/api/registry/categories/{category_id}/reveal', { params: { path: { category_id: id } }, body: { field } }), opts),
  /** 201 for a new visit, 200 with created=false when the same client_id was sent before. */
  visit: (id: number, body: VisitIn, opts?: Opts) =>
    send(api.POST('/api/registry/categories/{category_id}/visits', { params: { path: { category_id: id } }, body }), opts),
  serviceStats: (group: CategoryGroup, unit?: number | null) => send(api.GET('/api/registry/service-stats', { params: { query: { group, unit } } })),
}

/** Imports and comparisons of resident spreadsheets; each job is its uploader's. */
export const importsApi = {
  template: () => send(api.GET('/api/registry/imports/template', { parseAs: 'blob' })),
  /** Upload a file; with `review` the job stops after reading the file's head, for the columns to be confirmed. */
  start: (file: File, mode: ImportMode, unitId: number | null, review: boolean, opts?: Opts) =>
    send(api.POST('/api/registry/imports', { body: { file, mode, review, unit_id: unitId } }), opts),
  /** The fields a file's columns can go to, with the values to choose from. */
  fields: () => send(api.GET('/api/registry/imports/fields')),
  /** Confirm or correct an upload's columns, give values to missing required columns, and start. */
  confirm: (id: number, body: ImportConfirmIn, opts?: Opts) =>
    send(api.POST('/api/registry/imports/{job_id}/confirm', { params: { path: { job_id: id } }, body }), opts),
  list: () => send(api.GET('/api/registry/imports')),
  get: (id: number, opts?: Opts) => send(api.GET('/api/registry/imports/{job_id}', { params: { path: { job_id: id } } }), opts),
  cancel: (id: number) => send(api.POST('/api/registry/imports/{job_id}/cancel', { params: { path: { job_id: id } } })),
  rejects: (id: number) => send(api.GET('/api/registry/imports/{job_id}/rejects', { params: { path: { job_id: id } }, parseAs: 'blob' })),
  report: (id: number) => send(api.GET('/api/registry/imports/{job_id}/report', { params: { path: { job_id: id } }, parseAs: 'blob' })),
  /** Ask the unit above for the list of a comparison's registered people missing from the file (an export request). */
  missingList: (id: number, body: MissingListIn, opts?: Opts) =>
    send(api.POST('/api/registry/imports/{job_id}/missing-list', { params: { path: { job_id: id } }, body }), opts),
}

/** Export requests: asked for by one unit, approved or refused by the unit above. */
export const exportsApi = {
  request: (body: ExportIn, opts?: Opts) => send(api.POST('/api/registry/exports', { body }), opts),
  list: (box: 'mine' | 'approve') => send(api.GET('/api/registry/exports', { params: { query: { box } } })),
  approve: (id: number, note: string, opts?: Opts) =>
    send(api.POST('/api/registry/exports/{request_id}/approve', { params: { path: { request_id: id } }, body: { note } }), opts),
  refuse: (id: number, note: string, opts?: Opts) =>
    send(api.POST('/api/registry/exports/{request_id}/refuse', { params: { path: { request_id: id } }, body: { note } }), opts),
  withdraw: (id: number) => send(api.POST('/api/registry/exports/{request_id}/withdraw', { params: { path: { request_id: id } } })),
  file: (id: number) => send(api.GET('/api/registry/exports/{request_id}/file', { params: { path: { request_id: id } }, parseAs: 'blob' })),
}

/** What selects places, in the list and on the map alike. */
export type PlaceMapFilter = QueryOf<'/api/registry/places/{kind}/map'>

export type PlaceListFilter = QueryOf<'/api/registry/places/{kind}'>

/** Compounds, houses, key places, security facilities and organisations: one API for the five kinds. */
export const placesApi = {
  specs: () => send(api.GET('/api/registry/place-specs')),
  list: (kind: PlaceKind, filter: PlaceListFilter, opts?: Opts) =>
    send(api.GET('/api/registry/places/{kind}', { params: { path: { kind }, query: filter } }), opts),
  /** The positions of the places the filter selects (the newest ones when `capped`). */
  map: (kind: PlaceKind, filter: PlaceMapFilter) => send(api.GET('/api/registry/places/{kind}/map', { params: { path: { kind }, query: filter } })),
  total: (kind: PlaceKind, filter: PlaceMapFilter) =>
    send(api.GET('/api/registry/places/{kind}/total', { params: { path: { kind }, query: filter } }), { silent: true }),
  /** The grid a position would place a record in (within the caller's capture scope), or none. */
  grid: (latitude: number, longitude: number) => send(api.GET('/api/registry/place-grid', { params: { query: { latitude, longitude } } }), { silent: true }),
  get: (kind: PlaceKind, id: number, opts?: Opts) =>
    send(api.GET('/api/registry/places/{kind}/{place_id}', { params: { path: { kind, place_id: id } } }), opts),
  create: (kind: PlaceKind, body: PlaceCreateIn, opts?: Opts) => send(api.POST('/api/registry/places/{kind}', { params: { path: { kind } }, body }), opts),
  update: (kind: PlaceKind, id: number, body: PlaceIn, opts?: Opts) =>
    send(api.PUT('/api/registry/places/{kind}/{place_id}', { params: { path: { kind, place_id: id } }, body }), opts),
  retire: (kind: PlaceKind, id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/registry/places/{kind}/{place_id}/retire', { params: { path: { kind, place_id: id } }, body: { reason } }), opts),
  reveal: (kind: PlaceKind, id: number) => send(api.POST('/api/registry/places/{kind}/{place_id}/reveal', { params: { path: { kind, place_id: id } } })),
  inspect: (id: number, body: InspectionIn, opts?: Opts) =>
    send(api.POST('/api/registry/places/facilities/{place_id}/inspections', { params: { path: { place_id: id } }, body }), opts),
  addOccupant: (houseId: number, body: OccupantIn, opts?: Opts) =>
    send(api.POST('/api/registry/places/houses/{place_id}/occupants', { params: { path: { place_id: houseId } }, body }), opts),
  /** The occupant moved out today. */
  endOccupancy: (houseId: number, occupantId: number) =>
    send(api.POST('/api/registry/places/houses/{place_id}/occupants/{occupant_id}/end', { params: { path: { place_id: houseId, occupant_id: occupantId } } })),
  addMember: (orgId: number, body: MemberIn, opts?: Opts) =>
    send(api.POST('/api/registry/places/organisations/{place_id}/members', { params: { path: { place_id: orgId } }, body }), opts),
  removeMember: (orgId: number, memberId: number) =>
    send(api.POST('/api/registry/places/organisations/{place_id}/members/{member_id}/remove', { params: { path: { place_id: orgId, member_id: memberId } } })),
}
