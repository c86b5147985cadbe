/**
 * Photos and short videos on cases: the same limits the server applies
 * (zongzhi/cases/attachments.py), checked before a file is sent so the user hears at once.
 */
import { t } from '@/shared/i18n'
import type { AttachmentOut } from '@/api/types'

export const MAX_FILES = 9
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024
export const MAX_VIDEO_BYTES = 60 * 1024 * 1024
/** What the file pickers offer: the phone may also use its camera. */
export const ACCEPT = 'image/*,video/*'
/** The console's picker names the exact types. */
export const ACCEPT_EXACT = '.jpg,.jpeg,.png,.webp,.mp4,.mov,.webm,image/jpeg,image/png,image/webp,video/mp4,video/quicktime,video/webm'

const IMAGE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/webp'])
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm'])
const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'webp'])
const VIDEO_EXT = new Set(['mp4', 'mov', 'webm', 'm4v'])

export type FileKind = 'image' | 'video'

export interface FileLike {
  name?: string
  type: string
  size: number
}

/** image, video, or null when the server would refuse the type. The MIME type wins; the extension helps when it is empty. */
export function fileKind(file: FileLike): FileKind | null {
  const type = file.type.toLowerCase()
  if (IMAGE_TYPES.has(type)) return 'image'
  if (VIDEO_TYPES.has(type)) return 'video'
  if (type !== '' && type !== 'application/octet-stream') return null
  const ext = (file.name ?? '').split('.').pop()?.toLowerCase() ?? ''
  if (IMAGE_EXT.has(ext)) return 'image'
  if (VIDEO_EXT.has(ext)) return 'video'
  return null
}

/** The message to show when this file cannot be sent, or null when it is fine. */
export function checkFile(file: FileLike): string | null {
  const kind = fileKind(file)
  if (kind === null) return t('attachments.badType', { name: file.name ?? '' })
  if (kind === 'image' && file.size > MAX_IMAGE_BYTES) return t('attachments.imageTooLarge', { name: file.name ?? '' })
  if (kind === 'video' && file.size > MAX_VIDEO_BYTES) return t('attachments.videoTooLarge', { name: file.name ?? '' })
  if (file.size === 0) return t('attachments.empty', { name: file.name ?? '' })
  return null
}

/** Split picked files into those that may be sent and the messages for the others, keeping at most `room` files. */
export function pickFiles<T extends FileLike>(files: T[], room: number): { ok: T[]; messages: string[] } {
  const ok: T[] = []
  const messages: string[] = []
  for (const f of files) {
    const m = checkFile(f)
    if (m) messages.push(m)
    else if (ok.length < room) ok.push(f)
    else if (!messages.includes(t('attachments.tooMany', { n: MAX_FILES }))) messages.push(t('attachments.tooMany', { n: MAX_FILES }))
  }
  return { ok, messages }
}

/** The attachments named by one timeline entry, in the order the server listed them. */
export function attachmentsOf(all: AttachmentOut[], ids: number[]): AttachmentOut[] {
  const set = new Set(ids)
  return all.filter((a) => set.has(a.id))
}
