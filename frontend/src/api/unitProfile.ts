/** The unit profile, its people and the grid teams: /api/office/profile. */
import { api, send, type CallOptions } from './http'
import type { components } from './schema'

type S = components['schemas']
type Opts = Pick<CallOptions, 'silent'>

export type ProfileOut = S['ProfileOut']
export type ProfileIn = S['ProfileIn']
export type StaffOut = S['StaffOut']
export type StaffIn = S['StaffIn']
export type TeamsOut = S['TeamsOut']
export type GridTeamOut = S['GridTeamOut']
export type AccountOut = S['AccountOut']
export type GridRole = Exclude<StaffIn['grid_role'], '' | undefined>
export type StaffGroup = Exclude<StaffIn['group'], '' | undefined>

export const GRID_ROLES: GridRole[] = ['head', 'full_time', 'part_time', 'police', 'supervisor']

export const unitProfileApi = {
  get: (unit?: number) => send(api.GET('/api/office/profile', { params: { query: { unit } } })),
  save: (unit_id: number, body: ProfileIn, opts?: Opts) =>
    send(api.PUT('/api/office/profile/units/{unit_id}', { params: { path: { unit_id } }, body }), opts),
  accounts: (unit: number) => send(api.GET('/api/office/profile/accounts', { params: { query: { unit } } }), { silent: true }),
  teams: (unit?: number) => send(api.GET('/api/office/profile/teams', { params: { query: { unit } } })),
  createStaff: (body: StaffIn, opts?: Opts) => send(api.POST('/api/office/profile/staff', { body }), opts),
  updateStaff: (staff_id: number, body: StaffIn, opts?: Opts) =>
    send(api.PUT('/api/office/profile/staff/{staff_id}', { params: { path: { staff_id } }, body }), opts),
  leave: (staff_id: number, left_on?: string | null) =>
    send(api.POST('/api/office/profile/staff/{staff_id}/leave', { params: { path: { staff_id } }, body: { left_on: left_on ?? null } })),
  reveal: (staff_id: number) => send(api.POST('/api/office/profile/staff/{staff_id}/reveal', { params: { path: { staff_id } } })),
}
