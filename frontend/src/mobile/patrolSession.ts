/**
 * The open patrol on the phone. Everything goes through the action queue (kinds patrol.start,
 * patrol.checkIn, patrol.track, patrol.end), so a patrol walked without a signal arrives once and
 * in order; the open patrol's state lives in localStorage and survives a reload.
 *
 * 1. Start: a client id is made here; the start is queued under it; every later action names it.
 * 2. While open: the position is watched, thinned (patrolTrack.ts) and sent in batches.
 * 3. End: the watch stops, the last points go with the end; the state is cleared. Logging out
 *    stops the watch too (nothing is tracked outside an open patrol).
 */
import { computed, ref } from 'vue'
import { patrolsApi, type CheckInIn, type EndIn, type PatrolDetail, type PointOut, type StartIn } from '@/api/patrols'
import { t } from '@/shared/i18n'
import { uuid4 } from '@/shared/uuid'
import { actionQueue, actionSenders } from './queue'
import { keepPoint, trackLength, type TrackPoint } from './patrolTrack'
import { logoutHooks } from './session'

export const PATROL_KEY = 'zongzhi.m.patrol'
const BATCH_POINTS = 20
const BATCH_SECONDS = 120

export interface OpenCheckIn {
  clientId: string
  at: string
  pointName: string
  result: 'normal' | 'problem'
  note: string
  latitude: number | null
  longitude: number | null
}

export interface OpenPatrol {
  clientId: string
  routeId: number | null
  routeName: string
  startedAt: string
  line: number[][]
  points: PointOut[]
  track: TrackPoint[]
  pending: TrackPoint[]
  lastSentAt: number
  checkIns: OpenCheckIn[]
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

actionSenders['patrol.start'] = (body) => patrolsApi.start(body as unknown as StartIn, { silent: true })
actionSenders['patrol.checkIn'] = (body, ctx) => {
  const { patrol_client_id, ...rest } = body
  return patrolsApi.checkIn(str(patrol_client_id), { ...(rest as unknown as CheckInIn), attachment_ids: ctx.attachmentIds }, { silent: true })
}
actionSenders['patrol.track'] = (body) => patrolsApi.track(str(body.patrol_client_id), body.points as number[][], { silent: true })
actionSenders['patrol.end'] = (body) => {
  const { patrol_client_id, ...rest } = body
  return patrolsApi.end(str(patrol_client_id), rest as unknown as EndIn, { silent: true })
}

function load(): OpenPatrol | null {
  try {
    const raw = localStorage.getItem(PATROL_KEY)
    return raw ? (JSON.parse(raw) as OpenPatrol) : null
  } catch {
    return null
  }
}

export const openPatrol = ref<OpenPatrol | null>(load())
export const here = ref<{ latitude: number; longitude: number; accuracy: number } | null>(null)
export const watching = ref(false)
export const locateError = ref('')
export const walked = computed(() => trackLength(openPatrol.value?.track ?? []))

// A refused start resubmitted under a new client id: the open patrol (and what is queued on it,
// rewritten by the queue) goes on under the new id.
actionQueue.onRekey((from, to) => {
  if (openPatrol.value?.clientId !== from) return
  openPatrol.value.clientId = to
  save()
})

function save(): void {
  try {
    if (openPatrol.value) localStorage.setItem(PATROL_KEY, JSON.stringify(openPatrol.value))
    else localStorage.removeItem(PATROL_KEY)
  } catch {
    /* private mode: the state lives in memory only */
  }
}

let watchId: number | null = null

function onPosition(pos: GeolocationPosition): void {
  const p = openPatrol.value
  if (!p) return
  here.value = { latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracy: pos.coords.accuracy }
  locateError.value = ''
  // A cached fix may carry a time from before the patrol: it counts from the start at the earliest.
  const seconds = Math.floor(Math.max(pos.timestamp, Date.parse(p.startedAt)) / 1000)
  const point: TrackPoint = [Number(pos.coords.latitude.toFixed(6)), Number(pos.coords.longitude.toFixed(6)), seconds]
  const last = p.track[p.track.length - 1] ?? null
  if (!keepPoint(last, point)) return
  p.track.push(point)
  p.pending.push(point)
  save()
  if (p.pending.length >= BATCH_POINTS || point[2] - p.lastSentAt >= BATCH_SECONDS) void sendTrack()
}

/** Queue the kept points not yet sent as one batch. */
export async function sendTrack(): Promise<void> {
  const p = openPatrol.value
  if (!p || p.pending.length === 0) return
  const points = p.pending
  p.pending = []
  p.lastSentAt = points[points.length - 1]![2]
  save()
  await actionQueue.enqueue('patrol.track', t('patrols.queueTrack', { n: points.length }), { patrol_client_id: p.clientId, points }, { route: { name: 'm-patrol' } })
}

export function startWatch(): void {
  if (watchId !== null || !openPatrol.value) return
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
    locateError.value = t('patrols.locateUnsupported')
    return
  }
  watchId = navigator.geolocation.watchPosition(onPosition, () => (locateError.value = t('patrols.locateFailed')), {
    enableHighAccuracy: true,
    maximumAge: 5000,
    timeout: 30000,
  })
  watching.value = true
}

export function stopWatch(): void {
  if (watchId !== null && typeof navigator !== 'undefined' && 'geolocation' in navigator) navigator.geolocation.clearWatch(watchId)
  watchId = null
  watching.value = false
  here.value = null
}

logoutHooks.push(stopWatch)

export interface StartRoute {
  id: number
  name: string
  line: number[][]
  points: PointOut[]
}

export async function startPatrol(route: StartRoute | null): Promise<void> {
  const clientId = uuid4()
  const startedAt = new Date().toISOString()
  openPatrol.value = {
    clientId,
    routeId: route?.id ?? null,
    routeName: route?.name ?? t('patrols.freePatrol'),
    startedAt,
    line: route?.line ?? [],
    points: route?.points ?? [],
    track: [],
    pending: [],
    lastSentAt: Math.floor(Date.now() / 1000),
    checkIns: [],
  }
  save()
  startWatch()
  await actionQueue.enqueue(
    'patrol.start',
    t('patrols.queueStart', { name: openPatrol.value.routeName }),
    { route_id: route?.id ?? null, started_at: startedAt },
    { clientId, route: { name: 'm-patrol' } },
  )
}

/**
 * The server knows an open patrol this phone does not (its storage was cleared, or the patrol was
 * started on another phone): take it up, so that it can be checked in on and ended here.
 */
export function adoptPatrol(open: PatrolDetail): void {
  if (openPatrol.value) return
  const track = open.track.map((p) => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0] as TrackPoint)
  openPatrol.value = {
    clientId: open.client_id ?? '',
    routeId: open.route?.id ?? null,
    routeName: open.route?.name ?? t('patrols.freePatrol'),
    startedAt: open.started_at,
    line: open.route_line,
    points: open.route_points,
    track,
    pending: [],
    lastSentAt: track[track.length - 1]?.[2] ?? Math.floor(Date.now() / 1000),
    checkIns: open.check_ins.map((c) => ({
      clientId: c.client_id ?? String(c.id),
      at: c.at,
      pointName: c.point_name,
      result: c.result,
      note: c.note,
      latitude: c.latitude,
      longitude: c.longitude,
    })),
  }
  if (!openPatrol.value.clientId) {
    openPatrol.value = null
    return
  }
  save()
  startWatch()
}

export interface CheckInForm {
  pointId: number | null
  pointName: string
  result: 'normal' | 'problem'
  note: string
  reportCase: boolean
  files: File[]
}

export async function checkIn(form: CheckInForm): Promise<void> {
  const p = openPatrol.value
  if (!p) return
  await sendTrack()
  const clientId = uuid4()
  const at = new Date().toISOString()
  const latitude = here.value ? Number(here.value.latitude.toFixed(6)) : null
  const longitude = here.value ? Number(here.value.longitude.toFixed(6)) : null
  p.checkIns.push({ clientId, at, pointName: form.pointName, result: form.result, note: form.note, latitude, longitude })
  save()
  await actionQueue.enqueue(
    'patrol.checkIn',
    t('patrols.queueCheckIn', { name: form.pointName || p.routeName }),
    {
      patrol_client_id: p.clientId,
      at,
      latitude,
      longitude,
      point_id: form.pointId,
      result: form.result,
      note: form.note,
      report_case: form.reportCase,
    },
    { clientId, files: form.files, route: { name: 'm-patrol' } },
  )
}

export async function endPatrol(summary: string): Promise<void> {
  const p = openPatrol.value
  if (!p) return
  stopWatch()
  const points = p.pending
  await actionQueue.enqueue(
    'patrol.end',
    t('patrols.queueEnd', { name: p.routeName }),
    { patrol_client_id: p.clientId, ended_at: new Date().toISOString(), summary, points },
    { route: { name: 'm-patrol-history' } },
  )
  openPatrol.value = null
  save()
}

/**
 * Give up a refused patrol action (the worker confirmed). A refused start takes the open patrol
 * with it: it never reached the server, so nothing of it can arrive.
 */
export function discardRefused(clientId: string): void {
  const gone = actionQueue.rejectedOne(clientId)
  actionQueue.discard(clientId)
  const p = openPatrol.value
  if (gone?.kind === 'patrol.start' && p && p.clientId === clientId) {
    stopWatch()
    openPatrol.value = null
    save()
  }
}

/** The nearest route point whose radius holds the position (the server decides again). */
export function nearestPoint(points: PointOut[], lat: number, lng: number, metres: (a: [number, number], b: [number, number]) => number): PointOut | null {
  let best: { d: number; p: PointOut } | null = null
  for (const p of points) {
    const d = metres([lat, lng], [p.latitude, p.longitude])
    if (d <= p.radius_m && (!best || d < best.d)) best = { d, p }
  }
  return best?.p ?? null
}
