import { api, send } from './http'
import type { AuditFilter } from './types'

export const auditApi = {
  list: (filter: AuditFilter & { limit: number; offset: number }) => send(api.GET('/api/audit', { params: { query: filter } })),
  export: (filter: AuditFilter) => send(api.GET('/api/audit/export', { params: { query: filter }, parseAs: 'blob' })),
}
