/** Photos and short videos: upload one file, fetch one with the app's credentials. */
import { ApiError, api, send, type CallOptions } from './http'
import type { AttachmentOut } from './types'

type Opts = Pick<CallOptions, 'silent' | 'signal'>

/** `/api/attachments/1/file` (as the server names it) → the attachment and which of its files. */
function parseFileUrl(url: string): { id: number; part: 'file' | 'thumbnail' } | null {
  const m = /^\/api\/attachments\/(\d+)\/(file|thumbnail)$/.exec(url)
  return m ? { id: Number(m[1]), part: m[2] === 'thumbnail' ? 'thumbnail' : 'file' } : null
}

/** Upload one file (multipart field `file`); name its id in a report or an action to attach it. The server's message is shown unless silent. */
export function upload(file: Blob, name?: string, opts?: Opts): Promise<AttachmentOut> {
  const named = file instanceof File && name === undefined ? file : new File([file], name ?? 'file', { type: file.type })
  return send(api.POST('/api/attachments', { body: { file: named }, signal: opts?.signal }), opts)
}

export const attachmentsApi = {
  upload,
  /** The file or thumbnail at a URL from AttachmentOut, fetched with the token (the phone cannot use a plain <img src>). */
  blob: (url: string, opts?: Opts): Promise<Blob> => {
    const file = parseFileUrl(url)
    if (!file) return Promise.reject(new ApiError(404, { code: 'not_found', message: url }))
    const params = { path: { attachment_id: file.id } }
    const call =
      file.part === 'thumbnail'
        ? api.GET('/api/attachments/{attachment_id}/thumbnail', { params, parseAs: 'blob', signal: opts?.signal })
        : api.GET('/api/attachments/{attachment_id}/file', { params, parseAs: 'blob', signal: opts?.signal })
    return send(call, opts)
  },
}
