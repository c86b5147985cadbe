/**
 * State of the information report list: the box tabs with their counts, the filters, keyset
 * pages, and the report-scope category table.
 */
import { ref, shallowRef } from 'vue'
import { dictionaryApi } from '@/api/dictionary'
import {
  infoReportsApi,
  type InfoBox,
  type InfoClassification,
  type InfoListFilter,
  type InfoReportCounts,
  type InfoReportRow,
  type InfoStatus,
  type InfoUrgency,
} from '@/api/infoReports'
import type { DictItemOut } from '@/api/types'
import { useKeysetList } from '../../../useKeysetList'

export const BOXES: readonly InfoBox[] = ['todo', 'sent', 'mine', 'all']
export const PAGE_SIZE = 20

export function isBox(v: unknown): v is InfoBox {
  return typeof v === 'string' && (BOXES as readonly string[]).includes(v)
}

export interface InfoSearch {
  urgency: InfoUrgency | ''
  category: string
  classification: InfoClassification | ''
  status: InfoStatus | ''
  under: number | null
  dates: [string, string] | null
  overdue: boolean
  q: string
}

export function emptySearch(under: number | null): InfoSearch {
  return { urgency: '', category: '', classification: '', status: '', under, dates: null, overdue: false, q: '' }
}

export function toFilter(box: InfoBox, s: InfoSearch, cursor: number | null): InfoListFilter {
  return {
    box,
    urgency: s.urgency || undefined,
    category: s.category || undefined,
    classification: s.classification || undefined,
    status: s.status || undefined,
    under: s.under ?? undefined,
    since: s.dates?.[0] || undefined,
    until: s.dates?.[1] || undefined,
    overdue: s.overdue ? true : undefined,
    q: s.q.trim() || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  }
}

export function useInfoReports(defaultUnder: () => number | null) {
  const box = ref<InfoBox>('todo')
  const list = useKeysetList<InfoSearch, InfoReportRow>({
    emptySearch: () => emptySearch(defaultUnder()),
    fetchPage: (search, cursor) => infoReportsApi.list(toFilter(box.value, search, cursor)),
    fetchTotal: (search) => infoReportsApi.total(toFilter(box.value, search, null)),
  })
  const counts = ref<InfoReportCounts | null>(null)
  const categories = shallowRef<DictItemOut[]>([])

  async function loadCategories(): Promise<void> {
    if (categories.value.length) return
    try {
      categories.value = await dictionaryApi.items('info_category')
    } catch {
      /* the filter stays empty; the list still works */
    }
  }

  async function loadCounts(): Promise<void> {
    try {
      counts.value = await infoReportsApi.counts({ silent: true })
    } catch {
      counts.value = null
    }
  }

  return { ...list, box, counts, categories, loadCategories, loadCounts }
}
