/**
 * A listing's page: the record, looking at a personal field in full (audited by the server), and
 * ending the listing with a reason.
 */
import { reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { isApiError } from '@/api/http'
import { categoriesApi } from '@/api/registry'
import type { CategoryOut } from '@/api/types'
import { t } from '@/shared/i18n'
import { RETIRE_REASON_MAX } from '../residents/useResidentDetail'

export function useCategoryDetail(id: () => number) {
  const item = ref<CategoryOut | null>(null)
  const loading = ref(false)
  const notFound = ref(false)
  const revealed = reactive<Record<string, string>>({})
  const revealing = reactive<Record<string, boolean>>({})

  function forget(): void {
    for (const k of Object.keys(revealed)) delete revealed[k]
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      item.value = await categoriesApi.get(id())
      notFound.value = false
    } catch (e) {
      if (isApiError(e) && (e.status === 404 || e.status === 403)) notFound.value = true
    } finally {
      loading.value = false
    }
  }

  function replace(c: CategoryOut): void {
    item.value = c
    forget()
  }

  async function reveal(field: string): Promise<void> {
    if (revealing[field]) return
    revealing[field] = true
    try {
      revealed[field] = (await categoriesApi.reveal(id(), field)).value
    } catch {
      /* the wrapper showed the message */
    } finally {
      revealing[field] = false
    }
  }

  async function retire(): Promise<void> {
    const c = item.value
    if (!c) return
    let reason: string
    try {
      const answer = await ElMessageBox.prompt(
        t('categories.detail.retirePrompt', { name: c.resident_name, category: c.category_label }),
        t('categories.detail.retireTitle'),
        {
          type: 'warning',
          inputPlaceholder: t('categories.detail.retirePlaceholder'),
          inputValidator: (v: string) => {
            const s = (v ?? '').trim()
            if (!s) return t('categories.detail.retireReasonRequired')
            if (s.length > RETIRE_REASON_MAX) return t('residents.detail.retireReasonTooLong', { n: RETIRE_REASON_MAX })
            return true
          },
          confirmButtonText: t('categories.detail.retire'),
          confirmButtonClass: 'el-button--danger',
        },
      )
      reason = answer.value.trim()
    } catch {
      return
    }
    try {
      item.value = await categoriesApi.retire(c.id, reason)
      ElMessage.success(t('categories.detail.retired'))
    } catch {
      await load()
    }
  }

  return { item, loading, notFound, revealed, revealing, load, replace, reveal, retire }
}
