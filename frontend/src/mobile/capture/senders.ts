/**
 * Field capture's actions on the phone's offline queue (actionQueue): each kind's body and the
 * sender that posts it. Every create carries the action's client id, so a resend after a lost
 * answer gets the first record back (200) instead of making a second one.
 */
import { placesApi, residentsApi } from '@/api/registry'
import type { InspectionIn, OccupantIn, PlaceCreateIn, PlaceKind, ResidentChangeIn, ResidentIn } from '@/api/types'
import type { ActionRoute, QueuedAction } from '../actionQueue'
import { actionQueue, actionSenders } from '../queue'

export const CAPTURE_KINDS = ['resident.create', 'resident.update', 'house.create', 'occupant.add', 'inspection.create', 'place.create'] as const
export type CaptureKind = (typeof CAPTURE_KINDS)[number]

/** What the phone's form fills (the rest takes the server's defaults). */
export type ResidentCreateBody = Partial<ResidentIn> & Pick<ResidentIn, 'kind' | 'name' | 'id_number'>
/** A change (phone, address, grid) or a retire (moved out) of one resident, with the version the worker saw. */
export type ResidentUpdateBody =
  | ({ resident_id: number; mode: 'change'; name: string } & ResidentChangeIn)
  | { resident_id: number; mode: 'retire'; name: string; reason: string; seen_updated_at: string | null }
export type PlaceBody = Partial<PlaceCreateIn> & Pick<PlaceCreateIn, 'name'> & { kind: PlaceKind }
export type OccupantBody = OccupantIn & { house_id: number }
export type InspectionBody = Omit<InspectionIn, 'attachment_ids'> & { facility_id: number; facility_name: string }

const silent = { silent: true }

function strip<T extends Record<string, unknown>, K extends string>(body: T, ...keys: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...body }
  for (const k of keys) delete out[k]
  return out as Omit<T, K>
}

actionSenders['resident.create'] = (body) => residentsApi.create(body as unknown as ResidentIn, silent)

actionSenders['resident.update'] = (raw) => {
  const body = raw as unknown as ResidentUpdateBody
  if (body.mode === 'retire') return residentsApi.retire(body.resident_id, body.reason, silent, body.seen_updated_at ?? undefined)
  const change = strip(body as unknown as Record<string, unknown>, 'resident_id', 'mode', 'name', 'client_id')
  return residentsApi.change(body.resident_id, change as ResidentChangeIn, silent)
}

actionSenders['house.create'] = (body) => placesApi.create('houses', strip(body, 'kind') as unknown as PlaceCreateIn, silent)

actionSenders['place.create'] = (raw) => {
  const body = raw as unknown as PlaceBody
  return placesApi.create(body.kind, strip(body as unknown as Record<string, unknown>, 'kind') as unknown as PlaceCreateIn, silent)
}

actionSenders['occupant.add'] = (raw) => {
  const body = raw as unknown as OccupantBody
  return placesApi.addOccupant(body.house_id, strip(body as unknown as Record<string, unknown>, 'house_id') as unknown as OccupantIn, silent)
}

actionSenders['inspection.create'] = (raw, ctx) => {
  const body = raw as unknown as InspectionBody
  const rest = strip(body as unknown as Record<string, unknown>, 'facility_id', 'facility_name')
  return placesApi.inspect(body.facility_id, { ...(rest as unknown as InspectionIn), attachment_ids: ctx.attachmentIds }, silent)
}

/** The route of each kind's form, where a refused action opens again (with `?clientId=`). */
export function captureRoute(kind: CaptureKind, body: Record<string, unknown>): ActionRoute {
  switch (kind) {
    case 'resident.create':
      return { name: 'm-capture-resident' }
    case 'resident.update':
      return { name: 'm-capture-resident-edit', params: { id: Number(body.resident_id) } }
    case 'house.create':
      return { name: 'm-capture-house' }
    case 'occupant.add':
      return { name: 'm-capture-house' }
    case 'inspection.create':
      return { name: 'm-capture-inspection', params: { facilityId: Number(body.facility_id) } }
    case 'place.create':
      return { name: 'm-capture-place' }
  }
}

/** Residents registered on this phone and not yet answered: an occupant may name them by client id. */
export function pendingResidents(): QueuedAction[] {
  return actionQueue.items.value.filter((a) => a.kind === 'resident.create')
}

/** Inspections of a facility waiting on this phone. */
export function pendingInspections(facilityId: number): QueuedAction[] {
  return actionQueue.items.value.filter((a) => a.kind === 'inspection.create' && Number(a.body.facility_id) === facilityId)
}
