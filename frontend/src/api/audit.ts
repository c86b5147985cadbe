import { api, send } from './http'
import type { AuditFilter, AuditVerifyIn } from './types'

export const auditApi = {
  list: (filter: AuditFilter & { limit: number; offset: number }) => send(api.GET('/api/audit', { params: { query: filter } })),
  export: (filter: AuditFilter) => send(api.GET('/api/audit/export', { params: { query: filter }, parseAs: 'blob' })),
  /** The integrity check of a range of the audit chain; the server audits every check. */
  verify: (body: AuditVerifyIn) => send(api.POST('/api/audit/verify', { body })),
}
