/**
 * Files of office records: the types POST /api/office/uploads takes (zongzhi/cases/attachments.py
 * checks them by content), checked by name and size before a file is sent.
 */
import { t } from '@/shared/i18n'
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, fileKind, type FileLike } from '@/shared/attachments'

export const OFFICE_ACCEPT = '.jpg,.jpeg,.png,.webp,.pdf,.doc,.docx,.xls,.xlsx'
export const PHOTO_ACCEPT = '.jpg,.jpeg,.png,.webp'
export const MAX_DOCUMENT_BYTES = 30 * 1024 * 1024

const DOCUMENT_EXT = new Set(['pdf', 'doc', 'docx', 'xls', 'xlsx'])

export type OfficeFileKind = 'image' | 'video' | 'document'

export function officeFileKind(file: FileLike): OfficeFileKind | null {
  const ext = (file.name ?? '').split('.').pop()?.toLowerCase() ?? ''
  if (DOCUMENT_EXT.has(ext)) return 'document'
  return fileKind(file)
}

/** The message to show when this file cannot be sent under `accept`, or null when it is fine. */
export function checkOfficeFile(file: FileLike, accept: string = OFFICE_ACCEPT): string | null {
  const name = file.name ?? ''
  const ext = '.' + (name.split('.').pop()?.toLowerCase() ?? '')
  const kind = officeFileKind(file)
  const allowed = accept.split(',').map((s) => s.trim().toLowerCase())
  if (kind === null || !allowed.includes(ext)) {
    return accept === OFFICE_ACCEPT ? t('officeCommon.fileBadType', { name }) : t('officeCommon.photoBadType', { name })
  }
  if (file.size === 0) return t('attachments.empty', { name })
  if (kind === 'image' && file.size > MAX_IMAGE_BYTES) return t('attachments.imageTooLarge', { name })
  if (kind === 'video' && file.size > MAX_VIDEO_BYTES) return t('attachments.videoTooLarge', { name })
  if (kind === 'document' && file.size > MAX_DOCUMENT_BYTES) return t('officeCommon.fileTooLarge', { name })
  return null
}
