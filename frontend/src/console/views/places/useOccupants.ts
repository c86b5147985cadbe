/**
 * A house's occupants: registering someone who lives there (a registered resident, how they
 * live there, since when) and recording that someone moved out (today, as the server records it).
 */
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { isApiError } from '@/api/http'
import { placesApi } from '@/api/registry'
import type { OccupantOut, PlaceOut } from '@/api/types'
import { dayKey } from '@/shared/categories'
import { t } from '@/shared/i18n'
import { buildOccupantBody, splitOccupants, validateOccupant, type OccupantFields } from '@/shared/places'
import { saveForm } from '../../saveForm'

export interface OccupantFormState extends OccupantFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  house: Pick<PlaceOut, 'id' | 'name'> | null
}

export function useOccupants(house: () => PlaceOut | null, onSaved: (p: PlaceOut) => void, now: () => Date = () => new Date()) {
  const form = reactive<OccupantFormState>({ visible: false, busy: false, errors: {}, house: null, resident: null, relation: 'family', since: '' })

  function open(): void {
    const h = house()
    if (!h) return
    const hasOwner = (h.occupants ?? []).some((o) => !o.until && o.relation === 'owner')
    const relation = hasOwner ? (h.extra.use === 'rental' ? 'tenant' : 'family') : 'owner'
    Object.assign(form, { visible: true, busy: false, errors: {}, house: { id: h.id, name: h.name }, resident: null, relation, since: '' })
  }

  async function submit(): Promise<void> {
    const h = form.house
    if (!h) return
    form.errors = validateOccupant(form, dayKey(now()), splitOccupants(house()?.occupants ?? []).current)
    if (Object.keys(form.errors).length) return
    const result: { saved: PlaceOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      try {
        result.saved = await placesApi.addOccupant(h.id, buildOccupantBody(form), { silent: true })
      } catch (e) {
        // "already listed" is a conflict without a field: it belongs beside the person picked
        if (isApiError(e) && e.status === 409 && e.errors.length === 0) {
          form.errors = { resident_id: e.message }
          return
        }
        throw e
      }
    })
    if (!ok || !result.saved) return
    ElMessage.success(t('places.occupants.added'))
    form.visible = false
    onSaved(result.saved)
  }

  async function end(o: OccupantOut): Promise<void> {
    const h = house()
    if (!h) return
    try {
      await ElMessageBox.confirm(t('places.occupants.endConfirm', { name: o.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    try {
      onSaved(await placesApi.endOccupancy(h.id, o.id))
      ElMessage.success(t('places.occupants.ended'))
    } catch {
      /* the wrapper showed the message */
    }
  }

  return { form, open, submit, end }
}
