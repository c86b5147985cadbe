import { beforeEach, describe, expect, it, vi } from 'vitest'

type Success = (pos: GeolocationPosition) => void

function fakeGeolocation() {
  const watchers: Success[] = []
  const geo = {
    watchPosition: vi.fn((ok: Success) => {
      watchers.push(ok)
      return watchers.length
    }),
    clearWatch: vi.fn(),
    getCurrentPosition: vi.fn(),
  }
  Object.defineProperty(navigator, 'geolocation', { value: geo, configurable: true })
  const move = (north: number, at: number): void => {
    const pos = { coords: { latitude: 32.06 + north * 0.0001, longitude: 118.63, accuracy: 5 }, timestamp: at } as unknown as GeolocationPosition
    for (const w of watchers) w(pos)
  }
  return { geo, move }
}

async function load() {
  vi.resetModules()
  return { session: await import('@/mobile/patrolSession'), queue: await import('@/mobile/queue') }
}

describe('the open patrol on the phone', () => {
  beforeEach(() => {
    localStorage.clear()
  })

  it('queues start, check-ins, track and end under the patrol client id, and tracks only while open', async () => {
    const { geo, move } = fakeGeolocation()
    const { session, queue } = await load()
    const route = { id: 7, name: 'R', line: [[118.63, 32.06], [118.63, 32.062]], points: [] }
    await session.startPatrol(route)
    const patrol = session.openPatrol.value!
    expect(geo.watchPosition).toHaveBeenCalledTimes(1)
    expect(queue.actionQueue.items.value.map((a) => a.kind)).toEqual(['patrol.start'])
    expect(queue.actionQueue.items.value[0]!.clientId).toBe(patrol.clientId)

    const t0 = Date.now() + 1000
    move(0, t0)
    move(1, t0 + 30_000) // about 11 m: dropped
    move(3, t0 + 60_000) // kept
    move(4, t0 + 62_000) // 2 s later: dropped
    expect(session.openPatrol.value!.track).toHaveLength(2)

    await session.checkIn({ pointId: null, pointName: '', result: 'normal', note: '', reportCase: false, files: [] })
    const kinds = queue.actionQueue.items.value.map((a) => a.kind)
    expect(kinds).toEqual(['patrol.start', 'patrol.track', 'patrol.checkIn'])
    for (const a of queue.actionQueue.items.value.slice(1)) expect(a.body.patrol_client_id).toBe(patrol.clientId)

    // A reload: the open patrol is read back from localStorage.
    const again = await load()
    expect(again.session.openPatrol.value?.clientId).toBe(patrol.clientId)
    expect(again.session.openPatrol.value?.checkIns).toHaveLength(1)

    again.session.startWatch()
    await again.session.endPatrol('ok')
    expect(geo.clearWatch).toHaveBeenCalled()
    expect(again.session.openPatrol.value).toBeNull()
    expect(localStorage.getItem(again.session.PATROL_KEY)).toBeNull()
    const end = again.queue.actionQueue.items.value.at(-1)!
    expect(end.kind).toBe('patrol.end')
    expect(end.body.patrol_client_id).toBe(patrol.clientId)

    move(10, t0 + 200_000) // after the end nothing is kept
    expect(again.session.openPatrol.value).toBeNull()
  })
})
