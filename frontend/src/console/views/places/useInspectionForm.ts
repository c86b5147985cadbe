/**
 * The "record an inspection" dialog of a security facility, from the list or its page:
 * the day (today by default, never later), the result, and what was found (required for a fault).
 */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { MAX_LENGTH } from '@/api/limits'
import { placesApi } from '@/api/registry'
import type { InspectionIn, InspectionResult, PlaceOut } from '@/api/types'
import { dayKey } from '@/shared/categories'
import { t } from '@/shared/i18n'
import { saveForm } from '../../saveForm'

export interface InspectionState {
  visible: boolean
  busy: boolean
  errors: Record<string, string>
  facility: Pick<PlaceOut, 'id' | 'name'> | null
  inspected_on: string
  result: InspectionResult
  note: string
}

export const INSPECTION_NOTE_MAX = MAX_LENGTH.InspectionIn.note

export function validateInspection(f: Pick<InspectionState, 'inspected_on' | 'result' | 'note'>, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!f.inspected_on) errors.inspected_on = t('common.required')
  else if (f.inspected_on > today) errors.inspected_on = t('places.error.future')
  if (f.result === 'fault' && !f.note.trim()) errors.note = t('places.inspection.noteRequired')
  if (f.note.trim().length > INSPECTION_NOTE_MAX) errors.note = t('places.error.tooLong', { n: INSPECTION_NOTE_MAX })
  return errors
}

export function buildInspectionBody(f: Pick<InspectionState, 'inspected_on' | 'result' | 'note'>): InspectionIn {
  return { inspected_on: f.inspected_on, result: f.result, note: f.note.trim() }
}

export function useInspectionForm(onSaved: (p: PlaceOut) => void, now: () => Date = () => new Date()) {
  const inspection = reactive<InspectionState>({ visible: false, busy: false, errors: {}, facility: null, inspected_on: '', result: 'normal', note: '' })

  function open(facility: Pick<PlaceOut, 'id' | 'name'>): void {
    Object.assign(inspection, { visible: true, busy: false, errors: {}, facility, inspected_on: dayKey(now()), result: 'normal', note: '' })
  }

  async function submit(): Promise<void> {
    const f = inspection.facility
    if (!f) return
    inspection.errors = validateInspection(inspection, dayKey(now()))
    if (Object.keys(inspection.errors).length) return
    const result: { saved: PlaceOut | null } = { saved: null }
    const ok = await saveForm(inspection, async () => {
      result.saved = await placesApi.inspect(f.id, buildInspectionBody(inspection), { silent: true })
    })
    if (!ok || !result.saved) return
    ElMessage.success(t('places.inspection.saved'))
    inspection.visible = false
    onSaved(result.saved)
  }

  return { inspection, open, submit }
}
