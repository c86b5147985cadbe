/** The ledgers page and its print view: the chosen unit, kind and period, and the query of the print view. */
import type { LocationQueryRaw, LocationQuery } from 'vue-router'
import type { LedgerKind } from '@/api/officeLedgers'

export function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The first and last day of the month holding `now`, as `YYYY-MM-DD`. */
export function monthRange(now: Date = new Date()): [string, string] {
  const first = new Date(now.getFullYear(), now.getMonth(), 1)
  const last = new Date(now.getFullYear(), now.getMonth() + 1, 0)
  return [isoDay(first), isoDay(last)]
}

/** `YYYY-MM` of a `YYYY-MM-DD` day. */
export function monthOf(day: string): string {
  return day.slice(0, 7)
}

export interface PrintSingle {
  mode: 'single'
  kind: string
  unit: number | null
  from: string
  to: string
}

export interface PrintMonthly {
  mode: 'monthly'
  unit: number | null
  month: string
}

export type PrintTarget = PrintSingle | PrintMonthly

export function printQuery(target: PrintTarget): LocationQueryRaw {
  const unit = target.unit === null ? undefined : String(target.unit)
  if (target.mode === 'monthly') return { mode: 'monthly', unit, month: target.month }
  return { kind: target.kind, unit, from: target.from, to: target.to }
}

function one(v: LocationQuery[string] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? ''
}

/** The print view's query back as what to print; the current month when parts are missing. */
export function parsePrintQuery(q: LocationQuery): PrintTarget {
  const unitText = one(q.unit)
  const unit = /^\d+$/.test(unitText) ? Number(unitText) : null
  const [from, to] = monthRange()
  if (one(q.mode) === 'monthly') {
    const month = one(q.month)
    return { mode: 'monthly', unit, month: /^\d{4}-\d{2}$/.test(month) ? month : monthOf(from) }
  }
  const day = /^\d{4}-\d{2}-\d{2}$/
  return {
    mode: 'single',
    kind: one(q.kind) || 'meetings',
    unit,
    from: day.test(one(q.from)) ? one(q.from) : from,
    to: day.test(one(q.to)) ? one(q.to) : to,
  }
}

/** The kinds grouped for the picker, in the registry's order. */
export function groupKinds(kinds: readonly LedgerKind[]): { group: string; kinds: LedgerKind[] }[] {
  const out: { group: string; kinds: LedgerKind[] }[] = []
  for (const k of kinds) {
    const g = out.find((x) => x.group === k.group)
    if (g) g.kinds.push(k)
    else out.push({ group: k.group, kinds: [k] })
  }
  return out
}

/** Column widths as percentages of the table, from the columns' relative widths. */
export function columnShares(widths: readonly number[]): string[] {
  const total = widths.reduce((a, b) => a + b, 0) || 1
  return widths.map((w) => `${((w / total) * 100).toFixed(2)}%`)
}
