import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/http'

/** A dialog form's state as the console's composables keep it. */
export interface SubmittableForm {
  busy: boolean
  errors: Record<string, string>
}

/**
 * Runs a form's save: sets `busy`, clears old errors, and on a server refusal puts each field's
 * message under its field (or shows the message when no field is named). Returns whether the
 * save went through.
 */
export async function saveForm(form: SubmittableForm, save: () => Promise<void>): Promise<boolean> {
  form.busy = true
  form.errors = {}
  try {
    await save()
    return true
  } catch (e) {
    if (isApiError(e)) {
      form.errors = e.fieldErrors()
      if (e.errors.length === 0) ElMessage.error(e.message)
    }
    return false
  } finally {
    form.busy = false
  }
}
