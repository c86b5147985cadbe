import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useNodeBodies } from './fixtures'
import { configureHttp } from '@/api/http'
import { eventCategories, lastSeen } from '@/mobile/lastSeen'
import { clearSession, loadMe, setToken, useSession } from '@/mobile/session'

const fetchMock = vi.fn<typeof fetch>()

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const noSignal = () => Promise.reject(new TypeError('Failed to fetch'))

const categories = [{ id: 1, code: '01', label: '矛盾纠纷', parent_code: null, is_retired: false }]
const me = { user: { id: 7, username: 'grid_worker', capture_scope: [] }, capabilities: [], password_change_required: false }

beforeEach(async () => {
  await useNodeBodies()
  localStorage.clear()
  fetchMock.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  configureHttp({ mode: 'token', getToken: () => 'tok-a', notify: () => undefined })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('data the phone forms need without a signal', () => {
  it('answers with the categories seen last time when the network is gone', async () => {
    fetchMock.mockResolvedValueOnce(json(200, categories))
    expect(await eventCategories()).toEqual(categories)
    fetchMock.mockImplementationOnce(noSignal)
    expect(await eventCategories()).toEqual(categories)
  })

  it('fails without a signal when the phone never saw the answer', async () => {
    fetchMock.mockImplementationOnce(noSignal)
    await expect(eventCategories()).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('passes a refusal from the server on instead of the kept answer', async () => {
    fetchMock.mockResolvedValueOnce(json(200, categories))
    await eventCategories()
    fetchMock.mockResolvedValueOnce(json(403, { code: 'forbidden', message: '没有权限' }))
    await expect(eventCategories()).rejects.toMatchObject({ status: 403 })
  })

  it('keeps an answer under its own key', async () => {
    await lastSeen('a', () => Promise.resolve(1))
    await lastSeen('b', () => Promise.resolve(2))
    await expect(lastSeen('a', () => Promise.reject(new Error('a bug, not the network')))).rejects.toThrow('a bug')
    expect(localStorage.getItem('zongzhi.m.seen.a')).toBe('1')
    expect(localStorage.getItem('zongzhi.m.seen.b')).toBe('2')
  })
})

describe('the login on a phone without a signal', () => {
  it('opens with the user seen last with the same token, and not with another login', async () => {
    setToken('tok-a')
    fetchMock.mockResolvedValueOnce(json(200, me))
    expect((await loadMe())?.user.username).toBe('grid_worker')

    fetchMock.mockImplementationOnce(noSignal)
    expect((await loadMe())?.user.username).toBe('grid_worker')

    setToken('tok-b') // another worker logged in on this phone
    fetchMock.mockImplementationOnce(noSignal)
    expect(await loadMe()).toBeNull()
  })

  it('ends the login when the server refuses the token, and forgets the user', async () => {
    setToken('tok-a')
    fetchMock.mockResolvedValueOnce(json(200, me))
    await loadMe()
    fetchMock.mockResolvedValueOnce(json(401, { code: 'not_authenticated', message: '请重新登录' }))
    expect(await loadMe()).toBeNull()
    clearSession()
    expect(useSession().me.value).toBeNull()
    expect(localStorage.getItem('zongzhi.m.seen.me')).toBeNull()
  })
})
