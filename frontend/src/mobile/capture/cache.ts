/**
 * What field capture's forms need without a signal, kept as last seen (lastSeen.ts) and cleared
 * at logout (offlineData.ts): the code tables of places, the facilities of the worker's grids
 * with this month's inspection state, and the residents the worker opened, MASKED (the server
 * never sends the phone a full ID number or phone unless asked, and then this is not kept).
 */
import { dictionaryApi } from '@/api/dictionary'
import { placesApi, residentsApi } from '@/api/registry'
import type { PlaceOut } from '@/api/types'
import { kept, lastSeen } from '../lastSeen'
import { myGrids } from '../session'

export interface CodeOption {
  code: string
  label: string
}

export const PLACE_CODE_TABLES = { 'key-places': 'place_kind', facilities: 'facility_kind' } as const
export type CapturedPlaceKind = keyof typeof PLACE_CODE_TABLES

/** The active codes of a code table, as last seen. */
export async function codeOptions(table: string): Promise<CodeOption[]> {
  const items = await lastSeen(`capture.codes.${table}`, async () =>
    (await dictionaryApi.items(table, false, { silent: true })).map((i) => ({ code: i.code, label: i.label })),
  )
  return items
}

/** A facility as the inspection list shows it (no personal data). */
export interface FacilityBrief {
  id: number
  name: string
  address: string
  unit_name: string
  category_label: string
  missing_inspection: boolean
  last_inspected_on: string | null
}

function brief(p: PlaceOut): FacilityBrief {
  return {
    id: p.id,
    name: p.name,
    address: p.address,
    unit_name: p.unit_name,
    category_label: p.category_label,
    missing_inspection: p.missing_inspection ?? true,
    last_inspected_on: p.last_inspected_on ?? null,
  }
}

/** The facilities of one grid, with this month's state, as last seen. */
export function gridFacilities(gridId: number): Promise<FacilityBrief[]> {
  return lastSeen(`capture.facilities.${gridId}`, async () =>
    (await placesApi.list('facilities', { under: gridId, limit: 100 }, { silent: true })).items.map(brief),
  )
}

/** The facilities of all the worker's grids; a grid never seen offline is left out. */
export async function myFacilities(): Promise<{ items: FacilityBrief[]; failed: boolean }> {
  const items: FacilityBrief[] = []
  let failed = false
  for (const g of myGrids.value) {
    try {
      items.push(...(await gridFacilities(g.id)))
    } catch {
      failed = true
    }
  }
  return { items, failed }
}

/** One facility from the lists kept, for the inspection form without a signal. */
export function keptFacility(id: number): FacilityBrief | undefined {
  for (const g of myGrids.value) {
    const found = kept<FacilityBrief[]>(`capture.facilities.${g.id}`)?.find((f) => f.id === id)
    if (found) return found
  }
  return undefined
}

/** A resident as the phone keeps them: masked numbers, and the version (updated_at) the worker saw. */
export interface ResidentBrief {
  id: number
  name: string
  kind_label: string
  id_number_mask: string
  phone_mask: string
  current_address: string
  household_address: string
  path: string
  unit_name: string
  updated_at: string | null
  is_retired: boolean
  retired_reason: string
  can_edit: boolean
}

/** One resident, fetched now (and kept) or as last seen. */
export function residentBrief(id: number): Promise<ResidentBrief> {
  return lastSeen(`capture.resident.${id}`, async () => {
    const r = await residentsApi.get(id)
    return {
      id: r.id,
      name: r.name,
      kind_label: r.kind_label,
      id_number_mask: r.id_number_mask,
      phone_mask: r.phone_mask,
      current_address: r.current_address,
      household_address: r.household_address,
      path: r.path,
      unit_name: r.unit_name,
      updated_at: r.updated_at ?? null,
      is_retired: r.is_retired,
      retired_reason: r.retired_reason,
      can_edit: r.can_edit,
    } satisfies ResidentBrief
  })
}

/** The residents opened on this phone lately (ids), newest first. */
export function recentResidents(): ResidentBrief[] {
  const ids = kept<number[]>('capture.recent') ?? []
  return ids.map((id) => kept<ResidentBrief>(`capture.resident.${id}`)).filter((r): r is ResidentBrief => r !== undefined)
}

export { keep as keepSeen, kept as keptSeen } from '../lastSeen'

/** Fetch now, while there is a signal, what the capture forms need later without one. */
export function warmCaptureData(): void {
  void codeOptions(PLACE_CODE_TABLES.facilities).catch(() => undefined)
  void codeOptions(PLACE_CODE_TABLES['key-places']).catch(() => undefined)
  void myFacilities().catch(() => undefined)
}
