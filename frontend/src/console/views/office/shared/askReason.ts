/**
 * The one prompt for a reason before a record is withdrawn (nothing is deleted): the trimmed
 * reason, or null when the user cancels. An empty reason is refused in the box itself.
 */
import { ElMessageBox } from 'element-plus'
import { t } from '@/shared/i18n'

export interface ReasonPrompt {
  message: string
  title: string
  placeholder?: string
  confirm?: string
}

export async function askReason(p: ReasonPrompt): Promise<string | null> {
  const needed = p.placeholder ?? p.message
  try {
    const answer = await ElMessageBox.prompt(p.message, p.title, {
      inputPlaceholder: p.placeholder,
      inputValidator: (v: string) => (v && v.trim() ? true : needed),
      confirmButtonText: p.confirm ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      type: 'warning',
    })
    return answer.value.trim()
  } catch {
    return null
  }
}
