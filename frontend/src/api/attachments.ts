/** Photos and short videos: upload one file, fetch one with the app's credentials. */
import { getHttpConfig, http, type RequestOptions } from './http'
import type { AttachmentOut } from './types'

type Opts = Pick<RequestOptions, 'silent' | 'signal'>

/** `/api/attachments/1/file` (as the server names it) → `/attachments/1/file` (relative to the http base). */
export function apiPath(url: string): string {
  const base = getHttpConfig().baseUrl
  return url.startsWith(`${base}/`) ? url.slice(base.length) : url
}

/** Upload one file (multipart field `file`); name its id in a report or an action to attach it. The server's message is shown unless silent. */
export function upload(file: Blob, name?: string, opts?: Opts): Promise<AttachmentOut> {
  const form = new FormData()
  const fileName = name ?? (file instanceof File ? file.name : 'file')
  form.append('file', file, fileName)
  return http.post<AttachmentOut>('/attachments', form, opts)
}

export const attachmentsApi = {
  upload,
  /** The file or thumbnail at a URL from AttachmentOut, fetched with the token (the phone cannot use a plain <img src>). */
  blob: (url: string, opts?: Opts) => http.get<Blob>(apiPath(url), { ...opts, responseType: 'blob' }),
}
