/**
 * A house's occupants: registering someone who lives there (a registered resident, how they
 * live there, since when) and recording that someone moved out (today, as the server records it).
 */
import { placesApi } from '@/api/registry'
import type { OccupantOut, OccupantRelation, PlaceOut } from '@/api/types'
import { dayKey } from '@/shared/categories'
import { buildOccupantBody, splitOccupants, validateOccupant, type OccupantFields } from '@/shared/places'
import { usePlacePeople, type PersonFormState } from './usePlacePeople'

export type OccupantFormState = PersonFormState<OccupantFields>

/** Whom a house registers next: its owner first; then family, or a tenant in a rental. */
function nextRelation(h: PlaceOut): OccupantRelation {
  const hasOwner = (h.occupants ?? []).some((o) => !o.until && o.relation === 'owner')
  return hasOwner ? (h.extra.use === 'rental' ? 'tenant' : 'family') : 'owner'
}

export function useOccupants(house: () => PlaceOut | null, onSaved: (p: PlaceOut) => void, now: () => Date = () => new Date()) {
  const { form, open, submit, remove } = usePlacePeople<OccupantFields, OccupantOut>(house, onSaved, {
    blank: (h) => ({ resident: null, relation: h ? nextRelation(h) : 'family', since: '' }),
    validate: (f) => validateOccupant(f, dayKey(now()), splitOccupants(house()?.occupants ?? []).current),
    add: (id, f) => placesApi.addOccupant(id, buildOccupantBody(f), { silent: true }),
    remove: (id, o) => placesApi.endOccupancy(id, o.id),
    // "already listed" is a conflict without a field: it belongs beside the person picked
    conflictField: 'resident_id',
    messages: { added: 'places.occupants.added', removeConfirm: 'places.occupants.endConfirm', removed: 'places.occupants.ended' },
  })
  return { form, open, submit, end: remove }
}
