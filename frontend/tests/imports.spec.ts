import { describe, expect, it } from 'vitest'
import type { ExportOut, ImportJob } from '@/api/types'
import { missingListState, missingReasonCheck, needsPolling } from '@/console/views/imports/useImports'

const exportOf = (over: Partial<ExportOut>): ExportOut => ({
  id: 7,
  kind: 'compare_missing',
  kind_label: '比对名单（系统有、文件无）',
  unit_name: '沿江街道',
  filters: {},
  full_id_numbers: false,
  reason: '核对缺少的人员',
  status: 'pending',
  status_label: '待审批',
  requested_by: '王强',
  requested_at: '2026-06-10T08:00:00Z',
  approver_unit: '浦口区',
  decided_by: null,
  decided_at: null,
  decision_note: '',
  rows: 0,
  expires_at: null,
  downloads: 0,
  can_decide: false,
  can_download: false,
  import_job_id: 3,
  import_filename: '公安名单.xlsx',
  import_missing: 151138,
  ...over,
})

type Job = Pick<ImportJob, 'mode' | 'status' | 'report' | 'has_missing_list' | 'missing_export'>
const comparison = (over: Partial<Job> = {}): Job => ({
  mode: 'compare',
  status: 'done',
  report: { in_file: 1, missing: 151138 },
  has_missing_list: true,
  missing_export: null,
  ...over,
})

describe("a comparison's missing list", () => {
  it('is offered only for a finished comparison that found people missing', () => {
    expect(missingListState(comparison())).toBe('request')
    expect(missingListState(comparison({ mode: 'import' }))).toBe('none')
    expect(missingListState(comparison({ status: 'running' }))).toBe('none')
    expect(missingListState(comparison({ report: { in_file: 1, missing: 0 } }))).toBe('none')
    expect(missingListState(comparison({ has_missing_list: false }))).toBe('expired')
  })

  it('follows the export request: waiting, being made, ready to download', () => {
    expect(missingListState(comparison({ missing_export: exportOf({}) }))).toBe('pending')
    expect(missingListState(comparison({ missing_export: exportOf({ status: 'approved' }) }))).toBe('generating')
    expect(missingListState(comparison({ missing_export: exportOf({ status: 'ready', can_download: true }) }))).toBe('ready')
    // still ready after the files of the comparison are gone: the export has its own time
    expect(missingListState(comparison({ has_missing_list: false, missing_export: exportOf({ status: 'ready', can_download: true }) }))).toBe('ready')
  })

  it('may be asked for again after a refusal or an expired file, while the comparison is kept', () => {
    for (const status of ['refused', 'withdrawn', 'failed', 'expired']) {
      expect(missingListState(comparison({ missing_export: exportOf({ status }) }))).toBe('request')
      expect(missingListState(comparison({ has_missing_list: false, missing_export: exportOf({ status }) }))).toBe('expired')
    }
  })

  it('keeps the job polled while the approved list is being made', () => {
    expect(needsPolling({ status: 'running', missing_export: null })).toBe(true)
    expect(needsPolling({ status: 'done', missing_export: null })).toBe(false)
    expect(needsPolling({ status: 'done', missing_export: exportOf({ status: 'approved' }) })).toBe(true)
    expect(needsPolling({ status: 'done', missing_export: exportOf({ status: 'pending' }) })).toBe(false)
  })

  it('asks for a purpose of 4 to 200 characters', () => {
    expect(missingReasonCheck('  核对  ')).toBe('请写明用途（4-200字）')
    expect(missingReasonCheck('核对缺少的人员')).toBe(true)
    expect(missingReasonCheck('字'.repeat(201))).toBe('请写明用途（4-200字）')
  })
})
