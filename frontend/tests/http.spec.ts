import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, configureHttp, http, parseError, readCookie } from '@/api/http'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

const fetchMock = vi.fn<typeof fetch>()
const notify = vi.fn<(m: string) => void>()
const onUnauthorized = vi.fn<(e: ApiError) => void>()
const onPasswordChangeRequired = vi.fn<(e: ApiError) => void>()

function headersOf(call: number): Record<string, string> {
  const init = fetchMock.mock.calls[call]?.[1]
  return (init?.headers ?? {}) as Record<string, string>
}

beforeEach(() => {
  fetchMock.mockReset()
  notify.mockReset()
  onUnauthorized.mockReset()
  onPasswordChangeRequired.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  document.cookie = 'csrftoken=abc123; path=/'
  configureHttp({ mode: 'session', baseUrl: '/api', getToken: () => null, notify, onUnauthorized, onPasswordChangeRequired })
})

afterEach(() => {
  vi.unstubAllGlobals()
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
})

describe('console (session) mode', () => {
  it('sends X-CSRFToken from the csrftoken cookie on unsafe methods', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 1 }))
    await http.post('/units', { name: 'x' })
    expect(headersOf(0)['X-CSRFToken']).toBe('abc123')
    const init = fetchMock.mock.calls[0]?.[1]
    expect(init?.credentials).toBe('same-origin')
    expect(init?.method).toBe('POST')
    expect(init?.body).toBe(JSON.stringify({ name: 'x' }))
    expect(headersOf(0).Authorization).toBeUndefined()
  })

  it('does not send the CSRF header on GET', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, []))
    await http.get('/units/roots')
    expect(headersOf(0)['X-CSRFToken']).toBeUndefined()
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/units/roots')
  })

  it('sends CSRF on PATCH, PUT and DELETE', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(new Response(null, { status: 204 })))
    await http.patch('/units/1', { name: 'y' })
    await http.put('/users/1/grants', {})
    await http.delete('/dictionary/items/1')
    for (const i of [0, 1, 2]) expect(headersOf(i)['X-CSRFToken']).toBe('abc123')
  })

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(http.post('/auth/logout')).resolves.toBeUndefined()
  })
})

describe('mobile (token) mode', () => {
  it('sends the bearer token and no CSRF header', async () => {
    configureHttp({ mode: 'token', getToken: () => 'tok-1' })
    fetchMock.mockResolvedValue(jsonResponse(200, {}))
    await http.post('/auth/logout')
    expect(headersOf(0).Authorization).toBe('Bearer tok-1')
    expect(headersOf(0)['X-CSRFToken']).toBeUndefined()
  })
})

describe('errors', () => {
  it('parses {code, message, errors} into an ApiError and shows the message', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, { code: 'validation_error', message: '代码已存在', errors: [{ field: 'code', message: '代码已存在' }] }),
    )
    const err = await http.post('/units', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.status).toBe(400)
    expect(e.code).toBe('validation_error')
    expect(e.message).toBe('代码已存在')
    expect(e.fieldErrors()).toEqual({ code: '代码已存在' })
    expect(notify).toHaveBeenCalledWith('代码已存在')
  })

  it('does not show the message when silent', async () => {
    fetchMock.mockResolvedValue(jsonResponse(409, { code: 'conflict', message: '冲突' }))
    await expect(http.post('/units', {}, { silent: true })).rejects.toBeInstanceOf(ApiError)
    expect(notify).not.toHaveBeenCalled()
  })

  it('goes to login on 401', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { code: 'not_authenticated', message: '登录已超时' }))
    await expect(http.get('/units/roots')).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(onUnauthorized.mock.calls[0]?.[0].message).toBe('登录已超时')
  })

  it('goes to the password page on 403 password_change_required', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { code: 'password_change_required', message: '请先修改密码' }))
    await expect(http.get('/units/roots')).rejects.toMatchObject({ code: 'password_change_required' })
    expect(onPasswordChangeRequired).toHaveBeenCalledTimes(1)
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('shows an ordinary 403 as a message', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { code: 'forbidden', message: '无权操作' }))
    await expect(http.post('/units', {})).rejects.toMatchObject({ code: 'forbidden' })
    expect(onPasswordChangeRequired).not.toHaveBeenCalled()
    expect(notify).toHaveBeenCalledWith('无权操作')
  })

  it('skips redirects with noRedirect', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { code: 'not_authenticated', message: 'x' }))
    await expect(http.get('/auth/me', { noRedirect: true, silent: true })).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('makes an error out of a non-JSON body', async () => {
    const e = await parseError(new Response('<html>oops</html>', { status: 502 }))
    expect(e.code).toBe('http_502')
    expect(e.message).toContain('502')
  })

  it('understands django-ninja validation details', async () => {
    const e = await parseError(jsonResponse(422, { detail: [{ loc: ['body', 'payload', 'code'], msg: 'field required' }] }))
    expect(e.code).toBe('validation_error')
    expect(e.fieldErrors().code).toBe('field required')
  })

  it('reports a network failure', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(http.get('/units/roots')).rejects.toMatchObject({ code: 'network_error', status: 0 })
    expect(notify).toHaveBeenCalledTimes(1)
  })
})

describe('helpers', () => {
  it('builds queries without empty values', () => {
    expect(buildQuery({ a: 1, b: '', c: null, d: undefined, e: false, f: ['x', 'y'] })).toBe('?a=1&e=false&f=x&f=y')
    expect(buildQuery({})).toBe('')
  })

  it('reads cookies', () => {
    expect(readCookie('csrftoken')).toBe('abc123')
    expect(readCookie('missing')).toBeNull()
  })
})
