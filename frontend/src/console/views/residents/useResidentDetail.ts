/**
 * The resident page: the record, looking at the full ID number or phone (each look is audited
 * by the server), and retiring the record with a reason.
 */
import { computed, reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { MAX_LENGTH } from '@/api/limits'
import { isApiError } from '@/api/http'
import { residentsApi } from '@/api/registry'
import type { ResidentOut, RevealField } from '@/api/types'
import { codeLabels, loadCodeTable } from '@/shared/codeTables'
import { t } from '@/shared/i18n'
import { CODE_TABLES, type CodeField, type HistoryNames } from '@/shared/residents'

export const RETIRE_REASON_MAX = MAX_LENGTH.RetireIn.reason

export function useResidentDetail(id: number) {
  const item = ref<ResidentOut | null>(null)
  const loading = ref(false)
  const notFound = ref(false)
  /** Full numbers the user asked to see on this page. */
  const revealed = reactive<Partial<Record<RevealField, string>>>({})
  const revealing = reactive<Record<RevealField, boolean>>({ id_number: false, phone: false })

  /** Labels of the codes in the change log, by field (loaded for the fields that appear). */
  const codeNames = shallowRef<Partial<Record<CodeField, Record<string, string>>>>({})
  /** Names for the change log's raw values: code labels, and the units of the resident's place. */
  const historyNames = computed<HistoryNames>(() => {
    const codes = codeNames.value
    return {
      code: (field, code) => codes[field]?.[code],
      places: Object.fromEntries((item.value?.place ?? []).map((u) => [u.path, u.name])),
    }
  })

  async function loadHistoryCodes(r: ResidentOut): Promise<void> {
    const fields = new Set<CodeField>()
    for (const h of r.history) for (const f of Object.keys(h.changes)) if (f in CODE_TABLES) fields.add(f as CodeField)
    const missing = [...fields].filter((f) => !codeNames.value[f])
    if (missing.length === 0) return
    const loaded = await Promise.all(
      missing.map(async (f) => [f, codeLabels(await loadCodeTable(CODE_TABLES[f]).catch(() => []))] as const),
    )
    codeNames.value = { ...codeNames.value, ...Object.fromEntries(loaded) }
  }

  function forget(): void {
    delete revealed.id_number
    delete revealed.phone
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      item.value = await residentsApi.get(id)
      notFound.value = false
      void loadHistoryCodes(item.value)
    } catch (e) {
      if (isApiError(e) && (e.status === 404 || e.status === 403)) notFound.value = true
    } finally {
      loading.value = false
    }
  }

  /** After an edit: the saved record, and the numbers hidden again (they may have changed). */
  function replace(r: ResidentOut): void {
    item.value = r
    forget()
    void loadHistoryCodes(r)
  }

  /** Mask a number again (on this page only). */
  function hide(field: RevealField): void {
    delete revealed[field]
  }

  async function reveal(field: RevealField): Promise<void> {
    if (revealing[field]) return
    revealing[field] = true
    try {
      revealed[field] = (await residentsApi.reveal(id, field)).value
    } catch {
      /* the wrapper showed the message */
    } finally {
      revealing[field] = false
    }
  }

  async function retire(): Promise<void> {
    const r = item.value
    if (!r) return
    let reason: string
    try {
      const answer = await ElMessageBox.prompt(t('residents.detail.retirePrompt', { name: r.name }), t('residents.detail.retireTitle'), {
        type: 'warning',
        inputPlaceholder: t('residents.detail.retirePlaceholder'),
        inputValidator: (v: string) => {
          const s = (v ?? '').trim()
          if (!s) return t('residents.detail.retireReasonRequired')
          if (s.length > RETIRE_REASON_MAX) return t('residents.detail.retireReasonTooLong', { n: RETIRE_REASON_MAX })
          return true
        },
        confirmButtonText: t('residents.detail.retire'),
        confirmButtonClass: 'el-button--danger',
      })
      reason = answer.value.trim()
    } catch {
      return
    }
    try {
      item.value = await residentsApi.retire(r.id, reason)
      void loadHistoryCodes(item.value)
      ElMessage.success(t('residents.detail.retired'))
    } catch {
      await load()
    }
  }

  return { item, loading, notFound, revealed, revealing, historyNames, load, replace, reveal, hide, retire }
}
