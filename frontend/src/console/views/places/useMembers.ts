/**
 * An organisation's members: adding one (a registered resident, a user of the system, or just a
 * name, with a role) and removing one (the server keeps when they left).
 */
import { placesApi } from '@/api/registry'
import type { MemberOut, PlaceOut } from '@/api/types'
import { buildMemberBody, validateMember, type MemberFields } from '@/shared/places'
import { usePlacePeople, type PersonFormState } from './usePlacePeople'

export type MemberFormState = PersonFormState<MemberFields>

export function useMembers(org: () => PlaceOut | null, onSaved: (p: PlaceOut) => void) {
  return usePlacePeople<MemberFields, MemberOut>(org, onSaved, {
    blank: () => ({ kind: 'resident', resident: null, user: null, name: '', role: '' }),
    validate: validateMember,
    add: (id, f) => placesApi.addMember(id, buildMemberBody(f), { silent: true }),
    remove: (id, m) => placesApi.removeMember(id, m.id),
    messages: { added: 'places.members.added', removeConfirm: 'places.members.removeConfirm', removed: 'places.members.removed' },
  })
}
