import { api, send, type CallOptions } from './http'
import type { DictItemCreateIn, DictItemUpdateIn } from './types'

type Opts = Pick<CallOptions, 'silent'>

export const dictionaryApi = {
  tables: () => send(api.GET('/api/dictionary/tables')),
  items: (table: string, includeRetired = false, opts?: Opts) =>
    send(api.GET('/api/dictionary/tables/{code}/items', { params: { path: { code: table }, query: { include_retired: includeRetired || undefined } } }), opts),
  create: (table: string, body: DictItemCreateIn, opts?: Opts) =>
    send(api.POST('/api/dictionary/tables/{code}/items', { params: { path: { code: table } }, body }), opts),
  update: (id: number, body: DictItemUpdateIn, opts?: Opts) => send(api.PATCH('/api/dictionary/items/{item_id}', { params: { path: { item_id: id } }, body }), opts),
  retire: (id: number) => send(api.POST('/api/dictionary/items/{item_id}/retire', { params: { path: { item_id: id } } })),
  restore: (id: number) => send(api.POST('/api/dictionary/items/{item_id}/restore', { params: { path: { item_id: id } } })),
  remove: (id: number): Promise<void> => send(api.DELETE('/api/dictionary/items/{item_id}', { params: { path: { item_id: id } } })),
}
