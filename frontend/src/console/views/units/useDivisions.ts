/**
 * State and actions of the division-list page: pick a file, preview its differences with the
 * tree, apply them (all or nothing), optionally retiring the units no longer listed.
 */
import { computed, reactive, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { divisionsApi } from '@/api/units'
import type { DivisionChangeOut, DivisionPlanOut } from '@/api/types'
import { t } from '@/shared/i18n'

export const DIVISION_ACCEPT = '.csv,.xlsx'
export type DivisionKind = DivisionChangeOut['kind']

export const KIND_TAG: Record<DivisionKind, 'success' | 'primary' | 'warning' | 'info' | 'danger'> = {
  new: 'success',
  renamed: 'primary',
  recoded: 'warning',
  restored: 'info',
  unlisted: 'danger',
}

/** What lies under a unit no longer listed, in words ("" when nothing). */
export function loadText(c: DivisionChangeOut): string {
  if (c.kind !== 'unlisted') return ''
  return t('divisions.under', { records: c.records, grids: c.grids, staff: c.staff })
}

/** Changes that stop the apply: out of scope or missing parent (unlisted ones only when retiring). */
export function blocking(plan: DivisionPlanOut | null, retire: boolean): DivisionChangeOut[] {
  return (plan?.changes ?? []).filter((c) => c.problem && (c.kind !== 'unlisted' || retire))
}

export function useDivisions() {
  const state = reactive({ file: null as File | null, busy: false, retire: false })
  const plan = shallowRef<DivisionPlanOut | null>(null)
  const blocked = computed(() => blocking(plan.value, state.retire))
  const unlistedWithRecords = computed(() => (plan.value?.changes ?? []).filter((c) => c.kind === 'unlisted' && (c.records > 0 || c.staff > 0)))

  function pickFile(file: File | null): void {
    state.file = file
    state.retire = false
    plan.value = null
  }

  async function preview(): Promise<void> {
    if (!state.file) return
    state.busy = true
    try {
      plan.value = await divisionsApi.preview(state.file)
    } catch {
      plan.value = null // the server's message has been shown
    } finally {
      state.busy = false
    }
  }

  async function apply(): Promise<void> {
    const current = plan.value
    if (!state.file || !current) return
    const message = state.retire && unlistedWithRecords.value.length
      ? t('divisions.applyConfirmRetire', { n: unlistedWithRecords.value.length })
      : t('divisions.applyConfirm')
    try {
      await ElMessageBox.confirm(message, t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    state.busy = true
    try {
      plan.value = await divisionsApi.apply(state.file, current.digest, state.retire)
      ElMessage.success(t('divisions.applied'))
    } catch {
      // shown by the API layer; a changed tree asks for a new preview
    } finally {
      state.busy = false
    }
  }

  return { state, plan, blocked, unlistedWithRecords, pickFile, preview, apply }
}
