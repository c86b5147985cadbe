import { http, type RequestOptions } from './http'
import type { ResidentFilter, ResidentIn, ResidentKind, ResidentOut, ResidentPage, RevealField, RevealOut } from './types'

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
