/**
 * The people listed on a place's page (a house's occupants, an organisation's members): a dialog
 * to add someone, and taking someone off the list after asking (the server keeps when). What
 * differs between the lists is said by a `PeopleSpec`: the dialog's fields, how they are checked
 * and sent, and the messages.
 */
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { isApiError } from '@/api/http'
import type { PlaceOut } from '@/api/types'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'

/** The dialog's state: its fields `F`, and the place it adds to. */
export type PersonFormState<F extends object> = F & {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  place: Pick<PlaceOut, 'id' | 'name'> | null
}

export interface PeopleSpec<F extends object, P extends { id: number; name: string }> {
  /** The dialog's fields, blank, for adding to `place` (null: before the dialog first opens). */
  blank: (place: PlaceOut | null) => F
  /** The fields' errors, by the server's field names (none: an empty object). */
  validate: (fields: F) => Record<string, string>
  add: (placeId: number, fields: F) => Promise<PlaceOut>
  remove: (placeId: number, person: P) => Promise<PlaceOut>
  /** Where a conflict that names no field is shown (someone already listed), if not as a message. */
  conflictField?: string
  /** The keys of the messages: added, the question before a removal (given `name`), removed. */
  messages: { added: string; removeConfirm: string; removed: string }
}

export function usePlacePeople<F extends object, P extends { id: number; name: string }>(
  place: () => PlaceOut | null,
  onSaved: (p: PlaceOut) => void,
  spec: PeopleSpec<F, P>,
) {
  const initial: PersonFormState<F> = { ...spec.blank(null), visible: false, busy: false, errors: {}, place: null }
  // the fields hold no refs, so reactive() keeps their types
  const form = reactive(initial) as PersonFormState<F>

  function open(): void {
    const p = place()
    if (!p) return
    Object.assign(form, { ...spec.blank(p), visible: true, busy: false, errors: {}, place: { id: p.id, name: p.name } })
  }

  async function submit(): Promise<void> {
    const p = form.place
    if (!p) return
    form.errors = spec.validate(form)
    if (Object.keys(form.errors).length) return
    const result: { saved: PlaceOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      try {
        result.saved = await spec.add(p.id, form)
      } catch (e) {
        if (spec.conflictField && isApiError(e) && e.status === 409 && e.errors.length === 0) {
          form.errors = { [spec.conflictField]: e.message }
          return
        }
        throw e
      }
    })
    if (!ok || !result.saved) return
    ElMessage.success(t(spec.messages.added))
    form.visible = false
    onSaved(result.saved)
  }

  async function remove(person: P): Promise<void> {
    const p = place()
    if (!p) return
    try {
      await ElMessageBox.confirm(t(spec.messages.removeConfirm, { name: person.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    try {
      onSaved(await spec.remove(p.id, person))
      ElMessage.success(t(spec.messages.removed))
    } catch {
      /* the wrapper showed the message */
    }
  }

  return { form, open, submit, remove }
}
