/** The integrity-check panel: the range form, the request, and the verdict put into words. */
import { reactive, ref } from 'vue'
import { auditApi } from '@/api/audit'
import type { AuditVerifyIn, AuditVerifyOut } from '@/api/types'
import { t } from '@/shared/i18n'

export interface IntegrityState {
  mode: 'time' | 'id'
  range: [Date, Date] | null
  fromId: number | null
  toId: number | null
}

export function toVerifyIn(s: IntegrityState): AuditVerifyIn {
  if (s.mode === 'time') {
    return s.range ? { since: s.range[0].toISOString(), until: s.range[1].toISOString() } : {}
  }
  return { from_id: s.fromId ?? undefined, to_id: s.toId ?? undefined }
}

export interface VerdictView {
  type: 'success' | 'error'
  title: string
  lines: string[]
}

export function describeVerdict(v: AuditVerifyOut): VerdictView {
  const lines: string[] = []
  lines.push(v.from_id !== null || v.to_id !== null ? t('audit.integrity.range', { from: v.from_id ?? '—', to: v.to_id ?? '—' }) : t('audit.integrity.rangeAll'))
  if (v.broken) {
    lines.unshift(v.broken.message)
    if (v.checked) lines.push(t('audit.integrity.checkedBefore', { n: v.checked }))
    return { type: 'error', title: t('audit.integrity.broken', { kind: v.broken.kind_label }), lines }
  }
  if (v.unsealed) lines.push(t('audit.integrity.unsealed', { n: v.unsealed }))
  if (v.purged) lines.push(t('audit.integrity.purged', { n: v.purged }))
  return { type: 'success', title: t('audit.integrity.passed', { n: v.checked }), lines }
}

export function useIntegrity() {
  const state = reactive<IntegrityState>({ mode: 'time', range: null, fromId: null, toId: null })
  const running = ref(false)
  const verdict = ref<VerdictView | null>(null)

  async function run(): Promise<void> {
    running.value = true
    verdict.value = null
    try {
      verdict.value = describeVerdict(await auditApi.verify(toVerifyIn(state)))
    } finally {
      running.value = false
    }
  }

  return { state, running, verdict, run }
}
