/** Audit log page: the search form, paging and export, all sharing one set of filters. */
import { reactive, ref } from 'vue'
import { auditApi } from '@/api/audit'
import { saveBlob } from '@/api/http'
import type { AuditFilter, AuditLayer, AuditOut, UnitBrief } from '@/api/types'
import { formatDate } from '@/shared/format'
import { t } from '@/shared/i18n'

export interface AuditFilterState {
  range: [Date, Date] | null
  username: string
  /** Searched by path: the unit and everything under it. */
  unit: UnitBrief | null
  action: string
  object_type: string
  object_id: string
  layer: AuditLayer | 'all'
}

export function toAuditFilter(f: AuditFilterState): AuditFilter {
  return {
    since: f.range ? f.range[0].toISOString() : undefined,
    until: f.range ? f.range[1].toISOString() : undefined,
    username: f.username.trim() || undefined,
    unit: f.unit?.path,
    action: f.action.trim() || undefined,
    object_type: f.object_type.trim() || undefined,
    object_id: f.object_id.trim() || undefined,
    layer: f.layer === 'all' ? undefined : f.layer,
  }
}

export function useAudit() {
  const filter = reactive<AuditFilterState>({
    range: null,
    username: '',
    unit: null,
    action: '',
    object_type: '',
    object_id: '',
    layer: 'all',
  })
  const page = reactive({ page: 1, size: 20 })
  const rows = ref<AuditOut[]>([])
  const count = ref(0)
  const loading = ref(false)
  const exporting = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const res = await auditApi.list({ ...toAuditFilter(filter), limit: page.size, offset: (page.page - 1) * page.size })
      rows.value = res.items
      count.value = res.count
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    page.page = 1
    void load()
  }

  function reset(): void {
    Object.assign(filter, { range: null, username: '', unit: null, action: '', object_type: '', object_id: '', layer: 'all' })
    search()
  }

  async function exportXlsx(): Promise<void> {
    exporting.value = true
    try {
      const blob = await auditApi.export(toAuditFilter(filter))
      saveBlob(blob, `${t('audit.exportFile')}-${formatDate(new Date())}.xlsx`)
    } finally {
      exporting.value = false
    }
  }

  return { filter, page, rows, count, loading, exporting, load, search, reset, exportXlsx }
}
