/**
 * Display helpers for the monthly case statistics: the dispute resolution share against the
 * seeds' requirement (at least 95 %), and the handling time.
 */
import { t } from './i18n'

/** The share of disputes the seeds require to be resolved each month. */
export const RESOLVED_TARGET = 0.95

export type ShareMark = 'ok' | 'below' | 'none'

export interface ShareDisplay {
  /** `96.5%`, or a dash when the month had no disputes. */
  text: string
  mark: ShareMark
  /** Element Plus tag type for the mark. */
  tagType: 'success' | 'danger' | 'info'
  /** Meets the target / below it / no disputes this month. */
  label: string
}

/** Percent with one decimal, trailing `.0` dropped: 0.95 → `95`, 0.9667 → `96.7`. */
export function percent(share: number): string {
  const n = Math.round(share * 1000) / 10
  return Number.isInteger(n) ? String(n) : n.toFixed(1)
}

/**
 * How the resolution share reads: green at or above the target, red below, neutral when
 * there were no disputes (null). Compared on the rounded value the server sends (4 decimals),
 * so 0.95 exactly meets the target.
 */
export function shareDisplay(share: number | null | undefined, target = RESOLVED_TARGET): ShareDisplay {
  if (share === null || share === undefined || Number.isNaN(share)) {
    return { text: t('caseStats.noValue'), mark: 'none', tagType: 'info', label: t('caseStats.noDisputes') }
  }
  const ok = share + 1e-9 >= target
  return {
    text: t('caseStats.shareValue', { n: percent(share) }),
    mark: ok ? 'ok' : 'below',
    tagType: ok ? 'success' : 'danger',
    label: ok ? t('caseStats.meets') : t('caseStats.below'),
  }
}

/** The hours, with a rough number of days beyond a day; a dash when nothing was completed. */
export function hoursDisplay(hours: number | null | undefined): { text: string; hint: string } {
  if (hours === null || hours === undefined) return { text: t('caseStats.noValue'), hint: '' }
  const text = t('caseStats.hours', { n: hours })
  const hint = hours >= 24 ? t('caseStats.days', { n: Math.round((hours / 24) * 10) / 10 }) : ''
  return { text, hint }
}

/** This month as `YYYY-MM` (local time). */
export function currentMonth(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
}

/** `count / total` as a percent string for the small tables; empty when the total is 0. */
export function rowShare(count: number, total: number): string {
  return total > 0 ? t('caseStats.shareValue', { n: percent(count / total) }) : ''
}
