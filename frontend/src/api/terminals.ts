/** Terminals and the confidentiality agreement: /api/field/terminals. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'
import type { QueryOf } from './types'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent' | 'noRedirect'>

export type TerminalOut = S['TerminalOut']
export type TerminalDetail = S['TerminalDetailOut']
export type TerminalEventOut = S['TerminalEventOut']
export type TerminalIn = S['TerminalIn']
export type TerminalKind = TerminalIn['kind']
export type TerminalStatus = TerminalOut['status']
export type TerminalQuery = QueryOf<'/api/field/terminals'>
export type CandidateOut = S['CandidateOut']
export type AgreementOut = S['AgreementOut']
export type AgreementVersionOut = S['AgreementVersionOut']
export type SignerOut = S['SignerOut']
export type SignerPage = S['SignerPageOut']
/** The steps taken with a note only. */
export type TerminalStep = 'return' | 'lost' | 'found' | 'retire'

export const TERMINAL_KINDS: TerminalKind[] = ['phone', 'pc']
export const TERMINAL_STATUSES: TerminalStatus[] = ['in_stock', 'issued', 'lost', 'retired']

export const terminalsApi = {
  list: (query: TerminalQuery) => send(api.GET('/api/field/terminals', { params: { query } })),
  get: (terminal_id: number) => send(api.GET('/api/field/terminals/{terminal_id}', { params: { path: { terminal_id } } })),
  candidates: (unit: number) => send(api.GET('/api/field/terminals/candidates', { params: { query: { unit } } })),
  register: (body: TerminalIn, opts?: Opts) => send(api.POST('/api/field/terminals', { body }), opts),
  issue: (terminal_id: number, user_id: number, note: string, opts?: Opts) =>
    send(api.POST('/api/field/terminals/{terminal_id}/issue', { params: { path: { terminal_id } }, body: { user_id, note } }), opts),
  handover: (terminal_id: number, user_id: number, note: string, opts?: Opts) =>
    send(api.POST('/api/field/terminals/{terminal_id}/handover', { params: { path: { terminal_id } }, body: { user_id, note } }), opts),
  step: (terminal_id: number, step: TerminalStep, note: string, opts?: Opts) =>
    send(api.POST('/api/field/terminals/{terminal_id}/{step}', { params: { path: { terminal_id, step } }, body: { note } }), opts),
}

export const agreementApi = {
  /** Callable before signing (the gate lets it through). */
  current: (opts?: Opts) => send(api.GET('/api/field/terminals/agreement/current'), opts),
  sign: (text_id: number, client: 'phone' | 'pc', opts?: Opts) =>
    send(api.POST('/api/field/terminals/agreement/sign', { body: { text_id, client } }), opts),
  publish: (title: string, body: string, opts?: Opts) =>
    send(api.POST('/api/field/terminals/agreement', { body: { title, body } }), opts),
  versions: () => send(api.GET('/api/field/terminals/agreement/versions')),
  signers: (query: QueryOf<'/api/field/terminals/agreement/signers'>) =>
    send(api.GET('/api/field/terminals/agreement/signers', { params: { query } })),
}
