import { http } from './http'
import type { AuditFilter, AuditOut, Paged } from './types'

export const auditApi = {
  list: (filter: AuditFilter & { limit: number; offset: number }) =>
    http.get<Paged<AuditOut>>('/audit', { query: { ...filter } }),
  export: (filter: AuditFilter) => http.get<Blob>('/audit/export', { query: { ...filter }, responseType: 'blob' }),
}
