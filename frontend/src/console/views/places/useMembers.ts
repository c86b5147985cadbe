/**
 * An organisation's members: adding one (a registered resident, a user of the system, or just a
 * name, with a role) and removing one (the server keeps when they left).
 */
import { reactive } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { placesApi } from '@/api/registry'
import type { MemberOut, PlaceOut } from '@/api/types'
import { t } from '@/shared/i18n'
import { buildMemberBody, validateMember, type MemberFields } from '@/shared/places'
import { saveForm } from '../../saveForm'

export interface MemberFormState extends MemberFields {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  org: Pick<PlaceOut, 'id' | 'name'> | null
}

export function useMembers(org: () => PlaceOut | null, onSaved: (p: PlaceOut) => void) {
  const form = reactive<MemberFormState>({ visible: false, busy: false, errors: {}, org: null, kind: 'resident', resident: null, user: null, name: '', role: '' })

  function open(): void {
    const o = org()
    if (!o) return
    Object.assign(form, { visible: true, busy: false, errors: {}, org: { id: o.id, name: o.name }, kind: 'resident', resident: null, user: null, name: '', role: '' })
  }

  async function submit(): Promise<void> {
    const o = form.org
    if (!o) return
    form.errors = validateMember(form)
    if (Object.keys(form.errors).length) return
    const result: { saved: PlaceOut | null } = { saved: null }
    const ok = await saveForm(form, async () => {
      result.saved = await placesApi.addMember(o.id, buildMemberBody(form), { silent: true })
    })
    if (!ok || !result.saved) return
    ElMessage.success(t('places.members.added'))
    form.visible = false
    onSaved(result.saved)
  }

  async function remove(m: MemberOut): Promise<void> {
    const o = org()
    if (!o) return
    try {
      await ElMessageBox.confirm(t('places.members.removeConfirm', { name: m.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    try {
      onSaved(await placesApi.removeMember(o.id, m.id))
      ElMessage.success(t('places.members.removed'))
    } catch {
      /* the wrapper showed the message */
    }
  }

  return { form, open, submit, remove }
}
