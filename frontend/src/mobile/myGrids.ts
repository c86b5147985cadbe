/**
 * The worker's own grids' boundaries, kept on the phone (lastSeen) so that a position can be
 * checked against them without a signal: a report from outside them is placed in the worker's
 * own unit by the server and flagged to it, so the worker is asked first (report.vue).
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import type { Polygon, MultiPolygon } from 'geojson'
import { unitsApi } from '@/api/units'
import { lastSeen } from './lastSeen'
import { useSession } from './session'

type Area = Polygon | MultiPolygon

async function gridArea(id: number): Promise<Area | null> {
  const map = await lastSeen(`grid-${id}`, () => unitsApi.map(id))
  const own = map.features.find((f) => (f.properties as { id?: number } | null)?.id === id)
  const geometry = own?.geometry as { type?: string } | undefined
  return geometry && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') ? (geometry as Area) : null
}

/** Fetch the boundaries now, while there is a signal. */
export function warmGridBoundaries(): void {
  for (const g of useSession().myGrids.value) void gridArea(g.id).catch(() => undefined)
}

/**
 * Whether the position lies outside every one of the worker's grids: true or false, or null
 * when it cannot be told (no grids, or their boundaries never reached this phone).
 */
export async function outsideMyGrids(latitude: number, longitude: number): Promise<boolean | null> {
  const areas: Area[] = []
  for (const g of useSession().myGrids.value) {
    const area = await gridArea(g.id).catch(() => null)
    if (area) areas.push(area)
  }
  if (areas.length === 0) return null
  return !areas.some((a) => booleanPointInPolygon([longitude, latitude], a))
}
