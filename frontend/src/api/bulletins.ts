/** The monthly bulletins of the unit above: list, generate, one with its figures, .docx, issue. */
import { api, send } from './http'
import type { components } from './schema'

type S = components['schemas']

export type BulletinBrief = S['BulletinBriefOut']
export type Bulletin = S['BulletinOut']

export const bulletinsApi = {
  list: () => send(api.GET('/api/assess/bulletins')),
  /** `month` is `YYYY-MM`; the caller's own county or township. */
  generate: (month: string) => send(api.POST('/api/assess/bulletins', { body: { month } })),
  get: (id: number) => send(api.GET('/api/assess/bulletins/{bulletin_id}', { params: { path: { bulletin_id: id } } })),
  docx: (id: number) =>
    send(api.GET('/api/assess/bulletins/{bulletin_id}/docx', { params: { path: { bulletin_id: id } }, parseAs: 'blob' })),
  issue: (id: number) => send(api.POST('/api/assess/bulletins/{bulletin_id}/issue', { params: { path: { bulletin_id: id } } })),
}
