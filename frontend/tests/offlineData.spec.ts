import { beforeEach, describe, expect, it } from 'vitest'
import { keep, kept } from '@/mobile/lastSeen'
import { DUE_KEY } from '@/mobile/dueList'
import { clearOfflineData, onClearOfflineData, unsentCount } from '@/mobile/offlineData'
import { clearSession, setToken } from '@/mobile/session'

let waiting: string[] = []
onClearOfflineData(
  () => {
    const n = waiting.length
    waiting = []
    return n
  },
  () => waiting.length,
)

beforeEach(() => {
  localStorage.clear()
  waiting = []
})

describe('what the phone keeps for offline work', () => {
  it('counts what has not reached the server yet, for the logout warning', () => {
    expect(unsentCount()).toBe(0)
    waiting = ['resident.create', 'inspection.create']
    expect(unsentCount()).toBe(2)
  })

  it('clears the queue, every kept answer and the due visits, and nothing else', () => {
    waiting = ['resident.create']
    keep('capture.resident.5', { id: 5, name: 'Wang', id_number_mask: '3201**********1234' })
    keep('capture.facilities.3', [{ id: 1 }])
    localStorage.setItem(DUE_KEY, '[{"id":1}]')
    localStorage.setItem('unrelated.setting', 'kept')
    expect(clearOfflineData()).toBe(1)
    expect(waiting).toEqual([])
    expect(kept('capture.resident.5')).toBeUndefined()
    expect(kept('capture.facilities.3')).toBeUndefined()
    expect(localStorage.getItem(DUE_KEY)).toBeNull()
    expect(localStorage.getItem('unrelated.setting')).toBe('kept')
  })

  it('clears at logout, but an expired login keeps the unsent work for the same worker', () => {
    setToken('tok')
    waiting = ['resident.create']
    keep('capture.resident.5', { id: 5 })
    clearSession() // 401: the login expired
    expect(waiting).toHaveLength(1)
    expect(kept('capture.resident.5')).toEqual({ id: 5 })
    setToken('tok')
    clearSession({ dropOfflineData: true }) // the worker logs out
    expect(waiting).toHaveLength(0)
    expect(kept('capture.resident.5')).toBeUndefined()
  })
})
