/** Warnings (red / yellow / blue): lists, issue, acknowledge, measures, level, lift, the report document. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'
import type { QueryOf } from './types'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type WarningLevel = S['WarningLevel']
export type WarningRow = S['WarningRowOut']
export type WarningDetail = S['WarningOut']
export type WarningRecipient = S['WarningRecipientOut']
export type WarningDocument = S['WarningDocumentOut']
export type WarningLimit = S['WarningLimitOut']
export type WarningCounts = S['WarningCountsOut']
export type WarningOptions = S['WarningRecipientOptionsOut']
export type WarningTemplate = S['WarningTemplateOut']
export type WarningNew = S['WarningIn']
export type WarningBox = NonNullable<WarningListFilter['box']>
export type WarningListFilter = QueryOf<'/api/alerts/warnings'>

export const LEVELS: readonly WarningLevel[] = ['red', 'yellow', 'blue']
export const BOXES: readonly WarningBox[] = ['pending', 'acknowledged', 'sent', 'all']

/** The Element Plus tag type of a level: red, yellow, blue. */
export function levelTagType(level: string): 'danger' | 'warning' | 'primary' {
  return level === 'red' ? 'danger' : level === 'yellow' ? 'warning' : 'primary'
}

const at = (id: number) => ({ params: { path: { warning_id: id } } })

export const warningsApi = {
  list: (filter: WarningListFilter) => send(api.GET('/api/alerts/warnings', { params: { query: filter } })),
  total: (filter: WarningListFilter) => send(api.GET('/api/alerts/warnings/total', { params: { query: filter } }), { silent: true }),
  counts: (opts?: Opts) => send(api.GET('/api/alerts/warnings/counts'), opts),
  get: (id: number) => send(api.GET('/api/alerts/warnings/{warning_id}', at(id))),
  issue: (body: WarningNew, opts?: Opts) => send(api.POST('/api/alerts/warnings', { body }), opts),
  acknowledge: (id: number, comment = '', opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/acknowledge', { ...at(id), body: { comment } }), opts),
  measure: (id: number, text: string, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/measures', { ...at(id), body: { text } }), opts),
  level: (id: number, level: WarningLevel, comment: string, version: number, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/level', { ...at(id), body: { level, comment, version } }), opts),
  addRecipients: (id: number, unitIds: number[], departmentIds: number[], opts?: Opts) =>
    send(
      api.POST('/api/alerts/warnings/{warning_id}/recipients', {
        ...at(id),
        body: { unit_ids: unitIds, department_ids: departmentIds },
      }),
      opts,
    ),
  remind: (id: number, comment: string, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/remind', { ...at(id), body: { comment } }), opts),
  lift: (id: number, note: string, version: number, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/lift', { ...at(id), body: { note, version } }), opts),
  generate: (id: number, addressee: string, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/{warning_id}/documents', { ...at(id), body: { addressee } }), opts),
  documentFile: (documentId: number) =>
    send(
      api.GET('/api/alerts/warnings/documents/{document_id}/file', {
        params: { path: { document_id: documentId } },
        parseAs: 'blob',
      }),
    ),
  markSent: (documentId: number, sentTo: string, opts?: Opts) =>
    send(
      api.POST('/api/alerts/warnings/documents/{document_id}/sent', {
        params: { path: { document_id: documentId } },
        body: { sent_to: sentTo },
      }),
      opts,
    ),
  options: () => send(api.GET('/api/alerts/warnings/recipient-options')),
  limits: () => send(api.GET('/api/alerts/warnings/limits')),
  updateLimit: (level: WarningLevel, hours: string, opts?: Opts) =>
    send(api.PUT('/api/alerts/warnings/limits/{level}', { params: { path: { level } }, body: { ack_hours: hours } }), opts),
  template: () => send(api.GET('/api/alerts/warnings/template')),
  templateFile: () => send(api.GET('/api/alerts/warnings/template/file', { parseAs: 'blob' })),
  uploadTemplate: (file: File, opts?: Opts) =>
    send(api.POST('/api/alerts/warnings/template', { body: { file } as never }), opts),
}
