/** Documents and notices: in-tray, sent list and ledgers, issue, sign, reply, the sign-off status page, reminders, withdrawal, late receipts. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'
import type { QueryOf } from './types'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type DocumentRow = S['DocumentRowOut']
export type DocumentDetail = S['DocumentOut']
export type DocumentNew = S['DocumentIn']
export type DocumentRecipientRow = S['DocRecipientRowOut']
export type DocumentRecipients = S['DocRecipientsOut']
export type DocumentOptions = S['DocRecipientOptionsOut']
export type DocumentReceipts = S['DocReceiptsOut']
export type OfficeFile = S['FileOut']
export type DocumentListFilter = QueryOf<'/api/office/documents'>
export type DocumentBox = NonNullable<DocumentListFilter['box']>
export type DocumentKind = DocumentNew['kind']
export type DocumentCategory = NonNullable<DocumentNew['category']>
export type RecipientFilter = '' | 'unsigned' | 'late' | 'signed'

export const BOXES: readonly DocumentBox[] = ['inbox', 'sent', 'all']
export const KINDS: readonly DocumentKind[] = ['document', 'notice', 'briefing', 'experience']
export const CATEGORIES: readonly DocumentCategory[] = [
  'responsibility',
  'plan',
  'half_year',
  'year_end',
  'rules',
  'commendation',
  'funding',
  'briefing',
  'other',
]

const at = (id: number) => ({ params: { path: { document_id: id } } })

export const documentsApi = {
  list: (filter: DocumentListFilter) => send(api.GET('/api/office/documents', { params: { query: filter } })),
  total: (filter: DocumentListFilter) =>
    send(api.GET('/api/office/documents/total', { params: { query: filter } }), { silent: true }),
  options: () => send(api.GET('/api/office/documents/recipient-options')),
  receipts: (unit: number, month: string) =>
    send(api.GET('/api/office/documents/receipts', { params: { query: { unit, month } } })),
  get: (id: number) => send(api.GET('/api/office/documents/{document_id}', at(id))),
  issue: (body: DocumentNew, opts?: Opts) => send(api.POST('/api/office/documents', { body }), opts),
  recipients: (id: number, status: RecipientFilter = '') =>
    send(api.GET('/api/office/documents/{document_id}/recipients', { params: { path: { document_id: id }, query: { status } } })),
  sign: (id: number, opts?: Opts) => send(api.POST('/api/office/documents/{document_id}/sign', at(id)), opts),
  reply: (id: number, note: string, attachmentIds: number[], opts?: Opts) =>
    send(api.POST('/api/office/documents/{document_id}/reply', { ...at(id), body: { note, attachment_ids: attachmentIds } }), opts),
  remind: (id: number, opts?: Opts) => send(api.POST('/api/office/documents/{document_id}/remind', at(id)), opts),
  withdraw: (id: number, reason: string, opts?: Opts) =>
    send(api.POST('/api/office/documents/{document_id}/withdraw', { ...at(id), body: { reason } }), opts),
  /** One PDF, Word, Excel file or photo for a document or a reply; name its id when saving. */
  upload: (file: File, opts?: Opts) => send(api.POST('/api/office/uploads', { body: { file } }), opts),
}
