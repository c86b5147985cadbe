import type { UnitBrief, UnitLevel } from '@/api/types'
import { t } from './i18n'

const pad = (n: number): string => String(n).padStart(2, '0')

/** `2024-05-01 08:30` in the browser's time zone; empty for null or an unparsable value. */
export function formatDateTime(value: string | null | undefined, seconds = false): string {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  return seconds ? `${base}:${pad(d.getSeconds())}` : base
}

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return ''
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export const UNIT_LEVELS: readonly UnitLevel[] = ['province', 'city', 'county', 'township', 'village', 'grid']

export function levelLabel(level: UnitLevel | string): string {
  return (UNIT_LEVELS as readonly string[]).includes(level) ? t(`level.${level}`) : level
}

/** Tag colour per level so the tree and tables read at a glance. */
export function levelTagType(level: UnitLevel | string): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (level) {
    case 'province':
    case 'city':
      return 'danger'
    case 'county':
      return 'warning'
    case 'township':
      return 'primary'
    case 'village':
      return 'success'
    default:
      return 'info'
  }
}

/** Display a value of an audit change (any JSON) as short text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

export function unitLabel(unit: UnitBrief | null | undefined): string {
  return unit ? unit.name : ''
}
