/** The informant network and group SMS: /api/alerts/zero/informants. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type InformantOut = S['InformantOut']
export type InformantIn = S['InformantIn']
export type CoverageOut = S['CoverageOut']
export type SmsOut = S['SmsOut']
export type SmsDetailOut = S['SmsDetailOut']
export type SmsIn = S['SmsIn']

export interface RosterQuery {
  unit: number
  role?: string
  q?: string
  retired?: boolean
  limit?: number
  offset?: number
}

export const informantsApi = {
  list: (query: RosterQuery) => send(api.GET('/api/alerts/zero/informants', { params: { query } })),
  get: (informant_id: number) => send(api.GET('/api/alerts/zero/informants/{informant_id}', { params: { path: { informant_id } } })),
  create: (body: InformantIn, opts?: Opts) => send(api.POST('/api/alerts/zero/informants', { body }), opts),
  update: (informant_id: number, body: InformantIn, opts?: Opts) =>
    send(api.PUT('/api/alerts/zero/informants/{informant_id}', { params: { path: { informant_id } }, body }), opts),
  retire: (informant_id: number) =>
    send(api.POST('/api/alerts/zero/informants/{informant_id}/retire', { params: { path: { informant_id } } })),
  reveal: (informant_id: number) =>
    send(api.POST('/api/alerts/zero/informants/{informant_id}/reveal', { params: { path: { informant_id } } })),
  openAccount: (informant_id: number, username: string, password: string, opts?: Opts) =>
    send(
      api.POST('/api/alerts/zero/informants/{informant_id}/account', {
        params: { path: { informant_id } },
        body: { username, password },
      }),
      opts,
    ),
  coverage: (unit: number) => send(api.GET('/api/alerts/zero/informants/coverage', { params: { query: { unit } } })),
  setQuota: (unit_id: number, required: number) => send(api.PUT('/api/alerts/zero/informants/quota', { body: { unit_id, required } })),
  smsList: (unit: number) => send(api.GET('/api/alerts/zero/informants/sms', { params: { query: { unit } } })),
  sms: (sms_id: number) => send(api.GET('/api/alerts/zero/informants/sms/{sms_id}', { params: { path: { sms_id } } })),
  sendSms: (body: SmsIn, opts?: Opts) => send(api.POST('/api/alerts/zero/informants/sms', { body }), opts),
}
