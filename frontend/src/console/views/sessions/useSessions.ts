/** Active sessions page: paging and forced logout. */
import { reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { sessionsApi } from '@/api/sessions'
import type { SessionOut } from '@/api/types'
import { t } from '@/shared/i18n'

export function useSessions() {
  const rows = ref<SessionOut[]>([])
  const count = ref(0)
  const loading = ref(false)
  const page = reactive({ page: 1, size: 20 })

  async function load(): Promise<void> {
    loading.value = true
    try {
      const res = await sessionsApi.list({ limit: page.size, offset: (page.page - 1) * page.size })
      rows.value = res.items
      count.value = res.count
    } finally {
      loading.value = false
    }
  }

  async function end(row: SessionOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('sessions.endConfirm', { name: row.user.full_name || row.user.username }), t('common.confirmTitle'), {
        type: 'warning',
      })
    } catch {
      return
    }
    await sessionsApi.end(row.id)
    ElMessage.success(t('sessions.ended'))
    await load()
  }

  return { rows, count, loading, page, load, end }
}
