import { describe, expect, it } from 'vitest'
import { keepPoint, metresBetween, thinTrack, trackLength, type TrackPoint } from '@/mobile/patrolTrack'

// About 11 m of latitude per 0.0001 degree.
const at = (north: number, seconds: number): TrackPoint => [32.06 + north * 0.0001, 118.63, 1_700_000_000 + seconds]

describe('thinning the patrol track', () => {
  it('keeps the first point', () => {
    expect(thinTrack([at(0, 0)])).toEqual([at(0, 0)])
  })

  it('drops points closer than 15 m to the last kept one', () => {
    expect(metresBetween(at(0, 0), at(1, 0))).toBeGreaterThan(10)
    expect(metresBetween(at(0, 0), at(1, 0))).toBeLessThan(15)
    expect(thinTrack([at(0, 0), at(1, 30), at(2, 60)])).toEqual([at(0, 0), at(2, 60)])
  })

  it('drops points within 10 s of the last kept one, however far', () => {
    expect(thinTrack([at(0, 0), at(5, 5), at(6, 12)])).toEqual([at(0, 0), at(6, 12)])
  })

  it('continues after the last point already kept', () => {
    expect(keepPoint(at(0, 0), at(1, 100))).toBe(false)
    expect(thinTrack([at(1, 100), at(3, 120)], at(0, 0))).toEqual([at(3, 120)])
  })

  it('standing still for an hour keeps one point', () => {
    const still = Array.from({ length: 360 }, (_, i) => at(0, i * 10))
    expect(thinTrack(still)).toHaveLength(1)
  })

  it('measures the kept track', () => {
    expect(trackLength([at(0, 0), at(10, 60), at(20, 120)])).toBeGreaterThan(215)
    expect(trackLength([at(0, 0), at(10, 60), at(20, 120)])).toBeLessThan(230)
  })
})
