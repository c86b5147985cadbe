/** Shared bits of the dispute report pages: the resolution rate as a percentage, the status colours. */
import type { DisputeStatus } from '@/api/officeDisputes'

export function percent(rate: number | null | undefined): string {
  if (rate == null) return '—'
  return `${(rate * 100).toFixed(1)}%`
}

export function rateOf(resolved: number, total: number): number | null {
  return total > 0 ? resolved / total : null
}

export const statusTag: Record<DisputeStatus, 'info' | 'warning' | 'success' | 'danger'> = {
  missing: 'danger',
  draft: 'warning',
  submitted: 'success',
  late: 'warning',
}

export const FIGURE_KEYS = ['total', 'resolved', 'in_progress', 'escalated'] as const
export type FigureKey = (typeof FIGURE_KEYS)[number]
