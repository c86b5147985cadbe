/**
 * A place's page: the record, looking at the full contact phone (each look is audited by the
 * server), retiring it with a reason, and its change log in words (category codes and units by
 * name).
 */
import { computed, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { MAX_LENGTH } from '@/api/limits'
import { isApiError } from '@/api/http'
import { placesApi } from '@/api/registry'
import { unitsApi } from '@/api/units'
import type { FeatureCollection, PlaceKind, PlaceOut, PlaceSpec } from '@/api/types'
import { codeLabels, loadCodeTable } from '@/shared/codeTables'
import { t } from '@/shared/i18n'
import type { PlaceHistoryNames } from '@/shared/places'
import { isRefField } from '@/shared/places'
import { specOf } from './usePlaces'

export const RETIRE_REASON_MAX = MAX_LENGTH.RetireIn.reason

export function usePlaceDetail(kindOf: () => PlaceKind, idOf: () => number) {
  const item = ref<PlaceOut | null>(null)
  const spec = shallowRef<PlaceSpec | null>(null)
  const loading = ref(false)
  const notFound = ref(false)
  /** The full contact phone, once the user asked to see it on this page. */
  const revealed = ref<string | null>(null)
  const revealing = ref(false)
  /** The boundary of the place's unit (its grid, or a village with its grids), drawn under its position. */
  const grid = shallowRef<FeatureCollection | null>(null)
  /** Labels of the kind's category codes (for the change log). */
  const categoryNames = shallowRef<Record<string, string>>({})

  const historyNames = computed<PlaceHistoryNames>(() => {
    const p = item.value
    const refs: Record<string, { id: number; name: string }> = {}
    for (const [field, value] of Object.entries(p?.extra ?? {})) {
      if (isRefField(field) && value && typeof value === 'object') refs[field] = value as { id: number; name: string }
    }
    return {
      places: Object.fromEntries((p?.place ?? []).map((u) => [u.path, u.name])),
      code: (code) => categoryNames.value[code],
      refs,
    }
  })

  async function loadCategoryNames(): Promise<void> {
    const table = spec.value?.code_table
    if (!table || Object.keys(categoryNames.value).length) return
    categoryNames.value = codeLabels(await loadCodeTable(table).catch(() => []))
  }

  let generation = 0

  async function loadGrid(p: PlaceOut): Promise<void> {
    const chain = p.place ?? []
    const last = chain[chain.length - 1]
    if (p.latitude === null || p.longitude === null || !last) {
      grid.value = null
      return
    }
    try {
      grid.value = await unitsApi.map(last.id)
    } catch {
      grid.value = null
    }
  }

  /** The place (again); a newer call wins, so moving from one place's page to another is safe. */
  async function load(): Promise<void> {
    const mine = ++generation
    const kind = kindOf()
    loading.value = true
    try {
      const [p, s] = await Promise.all([placesApi.get(kind, idOf(), { silent: true }), specOf(kind)])
      if (mine !== generation) return
      if (spec.value?.kind !== s?.kind) categoryNames.value = {}
      item.value = p
      spec.value = s
      notFound.value = false
      void loadCategoryNames()
      void loadGrid(p)
    } catch (e) {
      if (mine !== generation) return
      if (isApiError(e) && (e.status === 404 || e.status === 403 || e.status === 422)) notFound.value = true
      else if (isApiError(e)) ElMessage.error(e.message)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** After an edit or an action on the page: the saved record, the phone hidden again. */
  function replace(p: PlaceOut): void {
    const moved = p.path !== item.value?.path || p.latitude !== item.value?.latitude || p.longitude !== item.value?.longitude
    item.value = p
    revealed.value = null
    if (moved) void loadGrid(p)
  }

  async function reveal(): Promise<void> {
    if (revealing.value) return
    revealing.value = true
    try {
      revealed.value = (await placesApi.reveal(kindOf(), idOf())).value
    } catch {
      /* the wrapper showed the message */
    } finally {
      revealing.value = false
    }
  }

  function hide(): void {
    revealed.value = null
  }

  async function retire(): Promise<void> {
    const p = item.value
    if (!p) return
    let reason: string
    try {
      const answer = await ElMessageBox.prompt(t('places.detail.retirePrompt', { name: p.name }), t('places.detail.retireTitle', { kind: t(`places.kind.${kindOf()}`) }), {
        type: 'warning',
        inputPlaceholder: t('places.detail.retirePlaceholder'),
        inputValidator: (v: string) => {
          const s = (v ?? '').trim()
          if (!s) return t('places.detail.retireReasonRequired')
          if (s.length > RETIRE_REASON_MAX) return t('places.detail.retireReasonTooLong', { n: RETIRE_REASON_MAX })
          return true
        },
        confirmButtonText: t('places.detail.retire'),
        confirmButtonClass: 'el-button--danger',
      })
      reason = answer.value.trim()
    } catch {
      return
    }
    try {
      replace(await placesApi.retire(kindOf(), p.id, reason))
      ElMessage.success(t('places.detail.retired'))
    } catch {
      await load()
    }
  }

  return { item, spec, grid, loading, notFound, revealed, revealing, historyNames, load, replace, reveal, hide, retire }
}
