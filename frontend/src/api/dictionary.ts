import { http, type RequestOptions } from './http'
import type { DictItemCreateIn, DictItemOut, DictItemUpdateIn, DictTableOut } from './types'

type Opts = Pick<RequestOptions, 'silent'>

export const dictionaryApi = {
  tables: () => http.get<DictTableOut[]>('/dictionary/tables'),
  items: (table: string, includeRetired = false) =>
    http.get<DictItemOut[]>(`/dictionary/tables/${encodeURIComponent(table)}/items`, {
      query: { include_retired: includeRetired || undefined },
    }),
  create: (table: string, body: DictItemCreateIn, opts?: Opts) =>
    http.post<DictItemOut>(`/dictionary/tables/${encodeURIComponent(table)}/items`, body, opts),
  update: (id: number, body: DictItemUpdateIn, opts?: Opts) => http.patch<DictItemOut>(`/dictionary/items/${id}`, body, opts),
  retire: (id: number) => http.post<DictItemOut>(`/dictionary/items/${id}/retire`),
  restore: (id: number) => http.post<DictItemOut>(`/dictionary/items/${id}/restore`),
  remove: (id: number) => http.delete(`/dictionary/items/${id}`),
}
