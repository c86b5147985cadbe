/**
 * The monthly dispute report (/api/office/disputes) and stability risk assessments
 * (/api/office/risks). Types come from the generated schema.
 */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type DisputeKind = 'month' | 'half_month'
export type DisputeStatus = 'missing' | 'draft' | 'submitted' | 'late'
export type DisputeReportOut = S['DisputeReportOut']
export type DisputeReportBrief = S['DisputeReportBriefOut']
export type DisputeFigureRow = S['DisputeFigureRowOut']
export type DisputeFigures = S['DisputeFiguresOut']
export type DisputeUnitPeriods = S['DisputeUnitPeriodsOut']
export type DisputeOverview = S['DisputeOverviewOut']
export type DisputeRowIn = S['DisputeRowIn']

export type RiskAssessmentOut = S['RiskAssessmentOut']
export type RiskAssessmentDetail = S['RiskAssessmentDetailOut']
export type RiskStepOut = S['RiskStepOut']
export type RiskRegisterIn = S['RiskRegisterIn']
export type RiskStepIn = S['RiskStepIn']
export type RiskCounts = S['RiskCountsOut']
export type RiskFilters = {
  unit?: number | null
  year?: number | null
  subject?: 'decision' | 'project' | 'matter' | null
  level?: 'high' | 'medium' | 'low' | null
  status?: 'in_progress' | 'done' | 'withdrawn' | null
  q?: string
  limit?: number
  offset?: number
}
export type OfficeFile = S['FileOut']

export const disputesApi = {
  periods: (unit: number | null, kind: DisputeKind) =>
    send(api.GET('/api/office/disputes/periods', { params: { query: { unit, kind } } })),
  open: (unit_id: number, kind: DisputeKind, period_start: string, opts?: Opts) =>
    send(api.POST('/api/office/disputes/reports', { body: { unit_id, kind, period_start } }), opts),
  get: (report_id: number) => send(api.GET('/api/office/disputes/reports/{report_id}', { params: { path: { report_id } } })),
  save: (report_id: number, body: { rows?: DisputeRowIn[] | null; notes: string }, opts?: Opts) =>
    send(api.PUT('/api/office/disputes/reports/{report_id}', { params: { path: { report_id } }, body }), opts),
  submit: (report_id: number, opts?: Opts) =>
    send(api.POST('/api/office/disputes/reports/{report_id}/submit', { params: { path: { report_id } } }), opts),
  overview: (unit: number | null, kind: DisputeKind, start: string | null) =>
    send(api.GET('/api/office/disputes/overview', { params: { query: { unit, kind, start } } })),
  remind: (unit_id: number, kind: DisputeKind, start: string) =>
    send(api.POST('/api/office/disputes/remind', { body: { unit_id, kind, start } })),
}

export const risksApi = {
  list: (query: RiskFilters) => send(api.GET('/api/office/risks/assessments', { params: { query } })),
  register: (body: RiskRegisterIn, opts?: Opts) => send(api.POST('/api/office/risks/assessments', { body }), opts),
  get: (assessment_id: number) =>
    send(api.GET('/api/office/risks/assessments/{assessment_id}', { params: { path: { assessment_id } } })),
  step: (assessment_id: number, body: RiskStepIn, opts?: Opts) =>
    send(api.POST('/api/office/risks/assessments/{assessment_id}/steps', { params: { path: { assessment_id } }, body }), opts),
  withdraw: (assessment_id: number, reason: string) =>
    send(api.POST('/api/office/risks/assessments/{assessment_id}/withdraw', { params: { path: { assessment_id } }, body: { reason } })),
  counts: (unit: number | null, year: number) => send(api.GET('/api/office/risks/counts', { params: { query: { unit, year } } })),
  upload: (file: File, opts?: Opts): Promise<OfficeFile> =>
    send(api.POST('/api/office/uploads', { body: { file } }), opts),
}
