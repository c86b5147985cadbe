/** The period picked on the score pages (month, quarter or year and a day in it), kept in the URL query. */
import { computed, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { isoDay, type PeriodKind } from '@/api/assess'

const KINDS: PeriodKind[] = ['month', 'quarter', 'year']

export function usePeriod() {
  const route = useRoute()
  const router = useRouter()
  const q = route.query
  const kind = ref<PeriodKind>(KINDS.includes(q.period as PeriodKind) ? (q.period as PeriodKind) : 'month')
  const date = ref<string>(typeof q.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(q.date) ? q.date : isoDay())
  const pickerType = computed(() => (kind.value === 'year' ? 'year' : 'month'))
  const pickerFormat = computed(() => (kind.value === 'year' ? 'YYYY' : 'YYYY-MM'))
  watch([kind, date], () => {
    void router.replace({ query: { ...route.query, period: kind.value, date: date.value } })
  })
  return { kind, date, pickerType, pickerFormat, KINDS }
}

/** The CSS class of a score against its points (full / deducted / low). */
export function scoreClass(score: string | number, points: string | number): string {
  const s = Number(score)
  const p = Number(points)
  if (s >= p) return 'zz-full'
  return s <= p * 0.6 ? 'zz-low' : 'zz-part'
}
