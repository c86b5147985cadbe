/**
 * Dictionary code tables used by forms (sex, ethnicity, education …): loaded once per page
 * session and shared, and turned into select options (children of hierarchical tables indented
 * under their parent).
 */
import { dictionaryApi } from '@/api/dictionary'
import type { DictItemOut } from '@/api/types'

const cache = new Map<string, Promise<DictItemOut[]>>()

/** The active items of one table; a failed load is forgotten so the next call tries again. */
export function loadCodeTable(table: string): Promise<DictItemOut[]> {
  let items = cache.get(table)
  if (!items) {
    items = dictionaryApi.items(table).catch((e: unknown) => {
      cache.delete(table)
      throw e
    })
    cache.set(table, items)
  }
  return items
}

export interface CodeOption {
  value: string
  label: string
  /** 0 for a top-level code, 1 for its children … (drawn as indentation). */
  depth: number
}

/**
 * Select options in tree order: each code followed by its children. Retired codes are left
 * out; a child whose parent is missing is shown at the top level.
 */
export function codeOptions(items: readonly DictItemOut[]): CodeOption[] {
  const active = items.filter((i) => !i.is_retired)
  const codes = new Set(active.map((i) => i.code))
  const children = new Map<string | null, DictItemOut[]>()
  for (const item of active) {
    const parent = item.parent_code && codes.has(item.parent_code) ? item.parent_code : null
    const list = children.get(parent) ?? []
    list.push(item)
    children.set(parent, list)
  }
  const out: CodeOption[] = []
  const walk = (parent: string | null, depth: number): void => {
    for (const item of children.get(parent) ?? []) {
      out.push({ value: item.code, label: item.label, depth })
      walk(item.code, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

/** code → label of a table (retired codes included, so old values still read). */
export function codeLabels(items: readonly DictItemOut[]): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.code, i.label]))
}
