/**
 * The patrol track kept on the phone: thinned as it is recorded so that a day's walk stays small
 * (in localStorage and on the wire). A point is kept only when it is at least `minMetres` from the
 * last kept point AND at least `minSeconds` after it; the first point is always kept.
 * Points are [latitude, longitude, unix seconds], the server's order.
 */
export type TrackPoint = [number, number, number]

export const MIN_METRES = 15
export const MIN_SECONDS = 10

/** Great-circle distance in metres (haversine), as the server computes it. */
export function metresBetween(a: readonly [number, number, ...number[]], b: readonly [number, number, ...number[]]): number {
  const r = 6371000
  const rad = Math.PI / 180
  const dLat = (b[0] - a[0]) * rad
  const dLng = (b[1] - a[1]) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) ** 2
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Whether `next` is worth keeping after `last` (null: nothing kept yet). */
export function keepPoint(last: TrackPoint | null, next: TrackPoint, minMetres = MIN_METRES, minSeconds = MIN_SECONDS): boolean {
  if (last === null) return true
  if (next[2] - last[2] < minSeconds) return false
  return metresBetween(last, next) >= minMetres
}

/** The points of `raw` a thinned track keeps, continuing after `last` (a pure function). */
export function thinTrack(raw: readonly TrackPoint[], last: TrackPoint | null = null, minMetres = MIN_METRES, minSeconds = MIN_SECONDS): TrackPoint[] {
  const out: TrackPoint[] = []
  let prev = last
  for (const p of raw) {
    if (keepPoint(prev, p, minMetres, minSeconds)) {
      out.push(p)
      prev = p
    }
  }
  return out
}

/** Length of a track in whole metres. */
export function trackLength(track: readonly TrackPoint[]): number {
  let total = 0
  for (let i = 1; i < track.length; i++) total += metresBetween(track[i - 1]!, track[i]!)
  return Math.round(total)
}
