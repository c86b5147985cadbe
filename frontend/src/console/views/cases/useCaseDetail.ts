/**
 * The case page: the case, and doing one of its allowed actions through a small form. Every
 * action sends the version the user saw; when someone else acted first (409 case_changed) the
 * server's message is shown and the case reloaded.
 */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { casesApi } from '@/api/cases'
import { isApiError } from '@/api/http'
import { unitsApi } from '@/api/units'
import type { CaseOut, FeatureCollection } from '@/api/types'
import { actionLabel, actionPayload, emptyActionForm, validateAction, type ActionForm } from '@/shared/cases'
import { t } from '@/shared/i18n'

export interface ActionDialogState {
  visible: boolean
  busy: boolean
  action: string
  form: ActionForm
  errors: Record<string, string>
  /** A photo / video is still uploading: the action waits for it. */
  uploading: boolean
}

export function useCaseDetail(id: number, hooks: { onChanged: () => void }) {
  const item = ref<CaseOut | null>(null)
  const loading = ref(false)
  const notFound = ref(false)
  const grid = shallowRef<FeatureCollection | null>(null)
  const dialog = reactive<ActionDialogState>({ visible: false, busy: false, action: '', form: emptyActionForm(), errors: {}, uploading: false })

  async function load(): Promise<void> {
    loading.value = true
    try {
      item.value = await casesApi.get(id)
      notFound.value = false
      void loadGrid()
    } catch (e) {
      if (isApiError(e) && e.status === 404) notFound.value = true
    } finally {
      loading.value = false
    }
  }

  /** The grid the case happened in, drawn under its position. */
  async function loadGrid(): Promise<void> {
    const c = item.value
    const last = c?.place[c.place.length - 1]
    if (!c || c.latitude === null || c.longitude === null || !last || last.level !== 'grid') return
    try {
      grid.value = await unitsApi.map(last.id)
    } catch {
      grid.value = null
    }
  }

  function openAction(action: string): void {
    dialog.action = action
    dialog.form = emptyActionForm()
    dialog.errors = {}
    dialog.busy = false
    dialog.uploading = false
    dialog.visible = true
  }

  async function submitAction(): Promise<void> {
    const c = item.value
    if (!c) return
    if (dialog.uploading) {
      ElMessage.warning(t('attachments.uploadingWait'))
      return
    }
    dialog.errors = validateAction(dialog.action, dialog.form)
    if (Object.keys(dialog.errors).length > 0) return
    dialog.busy = true
    try {
      item.value = await casesApi.act(c.id, dialog.action, actionPayload(dialog.action, dialog.form, c.version), { silent: true })
      ElMessage.success(t('cases.form.actionDone', { action: actionLabel(dialog.action) }))
      dialog.visible = false
      hooks.onChanged()
    } catch (e) {
      if (!isApiError(e)) throw e
      if (e.status === 409 && e.code === 'case_changed') {
        ElMessage.warning(e.message)
        dialog.visible = false
        await load()
      } else if (e.errors.length > 0) {
        dialog.errors = e.fieldErrors()
        if (!e.errors.some((x) => ['comment', 'target_unit_id', 'target_department_id', 'days', 'level', 'satisfaction', 'result', 'attachment_ids'].includes(x.field))) {
          ElMessage.error(e.message)
        }
      } else {
        ElMessage.error(e.message)
        if (e.status === 403 || e.status === 404) {
          dialog.visible = false
          await load()
        }
      }
    } finally {
      dialog.busy = false
    }
  }

  return { item, loading, notFound, grid, dialog, load, openAction, submitAction }
}
