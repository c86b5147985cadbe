/**
 * What the pickers of the place pages search: residents (a house's owner and occupants, a
 * member), users (a member) and compounds (a house's compound), each as a name with a hint.
 */
import { placesApi, residentsApi } from '@/api/registry'
import { usersApi } from '@/api/users'
import type { PlaceRef } from '@/shared/places'

export const PICKER_LIMIT = 20

const joined = (...parts: (string | null | undefined)[]): string => parts.filter(Boolean).join(' · ')

/** Residents by a part of their name or a full ID number / phone (as the residents list searches). */
export async function searchResidents(q: string): Promise<PlaceRef[]> {
  const page = await residentsApi.list({ q, limit: PICKER_LIMIT })
  return page.items.map((r) => ({ id: r.id, name: r.name, hint: joined(r.id_number_mask, r.unit_name) }))
}

export async function searchUsers(q: string): Promise<PlaceRef[]> {
  const page = await usersApi.list({ q, is_active: true, limit: PICKER_LIMIT })
  return page.items.map((u) => ({ id: u.id, name: u.full_name || u.username, hint: joined(u.username, u.unit?.name) }))
}

export async function searchCompounds(q: string): Promise<PlaceRef[]> {
  const page = await placesApi.list('compounds', { q, limit: PICKER_LIMIT })
  return page.items.map((c) => ({ id: c.id, name: c.name, hint: joined(c.address, c.unit_name) }))
}
