/**
 * The grid worker's due visits (key persons and care recipients), kept in localStorage as last
 * seen so the list and the visit form still open without a network.
 */
import { categoriesApi } from '@/api/registry'
import type { CategoryRow } from '@/api/types'
import { mergeDue } from '@/shared/categories'

export const DUE_KEY = 'zongzhi.m.dueVisits'

export function cachedDue(): CategoryRow[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(DUE_KEY) ?? '[]')
    return Array.isArray(v) ? (v as CategoryRow[]) : []
  } catch {
    return []
  }
}

/** Both groups' visits due within the week (overdue included), soonest first; cached on success. */
export async function loadDue(): Promise<CategoryRow[]> {
  const [key, care] = await Promise.all([
    categoriesApi.list({ group: 'key', due: 'soon', limit: 200 }, { silent: true }),
    categoriesApi.list({ group: 'care', due: 'soon', limit: 200 }, { silent: true }),
  ])
  const rows = mergeDue(key.items, care.items)
  try {
    localStorage.setItem(DUE_KEY, JSON.stringify(rows))
  } catch {
    /* storage full: the list still shows */
  }
  return rows
}
