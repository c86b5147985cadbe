/** The Word templates of the warning report, the analysis report and the bulletin: list, download, upload, restore (/api/templates). */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']

export type DocTemplate = S['TemplateOut']
export type DocTemplateVariable = S['TemplateVariableOut']
export type TemplateVersion = 'current' | 'default'

export const templatesApi = {
  list: () => send(api.GET('/api/templates')),
  file: (code: string, version: TemplateVersion) =>
    send(api.GET('/api/templates/{code}/file', { params: { path: { code }, query: { version } }, parseAs: 'blob' })),
  /** The server renders the template with sample values and refuses it with its reason. */
  upload: (code: string, file: File, opts?: Pick<CallOptions, 'silent'>) =>
    send(api.POST('/api/templates/{code}', { params: { path: { code } }, body: { file } as never }), opts),
  reset: (code: string) => send(api.DELETE('/api/templates/{code}', { params: { path: { code } } })),
}
