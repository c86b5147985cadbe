import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useNodeBodies } from './fixtures'
import { ApiError, api, buildQuery, configureHttp, parseError, readCookie, send } from '@/api/http'

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

/** The request the client handed to fetch (openapi-fetch passes a Request). */
function requestOf(call: number): Request {
  const input = fetchMock.mock.calls[call]?.[0]
  if (!(input instanceof Request)) throw new Error(`call ${call} was not made with a Request`)
  return input
}

function headersOf(call: number): Record<string, string> {
  return Object.fromEntries(requestOf(call).headers.entries())
}

beforeEach(async () => {
  await useNodeBodies()
  fetchMock.mockReset()
  notify.mockReset()
  onUnauthorized.mockReset()
  onPasswordChangeRequired.mockReset()
  vi.stubGlobal('fetch', fetchMock)
  document.cookie = 'csrftoken=abc123; path=/'
  configureHttp({ mode: 'session', getToken: () => null, notify, onUnauthorized, onPasswordChangeRequired })
})

afterEach(() => {
  vi.unstubAllGlobals()
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
})

describe('console (session) mode', () => {
  it('sends X-CSRFToken from the csrftoken cookie on unsafe methods', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 1 }))
    await send(api.POST('/api/units', { body: { code: 'x', name: 'x', parent_id: 1 } }))
    expect(headersOf(0)['x-csrftoken']).toBe('abc123')
    const request = requestOf(0)
    expect(request.credentials).toBe('same-origin')
    expect(request.method).toBe('POST')
    expect(headersOf(0)['content-type']).toBe('application/json')
    expect(await request.text()).toBe(JSON.stringify({ code: 'x', name: 'x', parent_id: 1 }))
    expect(headersOf(0).authorization).toBeUndefined()
  })

  it('does not send the CSRF header on GET', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, []))
    await send(api.GET('/api/units/roots'))
    expect(headersOf(0)['x-csrftoken']).toBeUndefined()
    expect(new URL(requestOf(0).url).pathname).toBe('/api/units/roots')
    expect(new URL(requestOf(0).url).origin).toBe(location.origin)
    expect(headersOf(0).accept).toBe('application/json')
  })

  it('sends CSRF on PATCH, PUT and DELETE', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(new Response(null, { status: 204 })))
    await send(api.PATCH('/api/units/{unit_id}', { params: { path: { unit_id: 1 } }, body: { name: 'y' } }))
    await send(api.PUT('/api/users/{user_id}/grants', { params: { path: { user_id: 1 } }, body: {} }))
    await send(api.DELETE('/api/dictionary/items/{item_id}', { params: { path: { item_id: 1 } } }))
    for (const i of [0, 1, 2]) expect(headersOf(i)['x-csrftoken']).toBe('abc123')
    expect(requestOf(0).url).toMatch(/\/api\/units\/1$/)
  })

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(send(api.POST('/api/auth/logout'))).resolves.toBeUndefined()
  })
})

describe('mobile (token) mode', () => {
  it('sends the bearer token and no CSRF header', async () => {
    configureHttp({ mode: 'token', getToken: () => 'tok-1' })
    fetchMock.mockResolvedValue(jsonResponse(200, {}))
    await send(api.POST('/api/auth/logout'))
    expect(headersOf(0).authorization).toBe('Bearer tok-1')
    expect(headersOf(0)['x-csrftoken']).toBeUndefined()
  })
})

describe('errors', () => {
  it('parses {code, message, errors} into an ApiError and shows the message', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, { code: 'validation_error', message: '代码已存在', errors: [{ field: 'code', message: '代码已存在' }] }),
    )
    const err = await send(api.POST('/api/units', { body: { code: '', name: '', parent_id: 1 } })).catch((e: unknown) => e)
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
    await expect(send(api.POST('/api/units', { body: { code: '', name: '', parent_id: 1 } }), { silent: true })).rejects.toBeInstanceOf(ApiError)
    expect(notify).not.toHaveBeenCalled()
  })

  it('goes to login on 401', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { code: 'not_authenticated', message: '登录已超时' }))
    await expect(send(api.GET('/api/units/roots'))).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(onUnauthorized.mock.calls[0]?.[0].message).toBe('登录已超时')
  })

  it('goes to the password page on 403 password_change_required', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { code: 'password_change_required', message: '请先修改密码' }))
    await expect(send(api.GET('/api/units/roots'))).rejects.toMatchObject({ code: 'password_change_required' })
    expect(onPasswordChangeRequired).toHaveBeenCalledTimes(1)
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('shows an ordinary 403 as a message', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { code: 'forbidden', message: '无权操作' }))
    await expect(send(api.POST('/api/units', { body: { code: '', name: '', parent_id: 1 } }))).rejects.toMatchObject({ code: 'forbidden' })
    expect(onPasswordChangeRequired).not.toHaveBeenCalled()
    expect(notify).toHaveBeenCalledWith('无权操作')
  })

  it('skips redirects with noRedirect', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { code: 'not_authenticated', message: 'x' }))
    await expect(send(api.GET('/api/auth/me'), { noRedirect: true, silent: true })).rejects.toBeInstanceOf(ApiError)
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
    await expect(send(api.GET('/api/units/roots'))).rejects.toMatchObject({ code: 'network_error', status: 0 })
    expect(notify).toHaveBeenCalledTimes(1)
  })
})

describe('the client', () => {
  it('leaves empty filter values out of the query', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [], next_cursor: null }))
    await send(api.GET('/api/registry/residents', { params: { query: { q: '', kind: undefined, under: null, include_retired: false, limit: 20 } } }))
    expect(new URL(requestOf(0).url).search).toBe('?include_retired=false&limit=20')
  })

  it('fills path parameters, encoded', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, []))
    await send(api.GET('/api/dictionary/tables/{code}/items', { params: { path: { code: 'a b' } } }))
    expect(new URL(requestOf(0).url).pathname).toBe('/api/dictionary/tables/a%20b/items')
  })

  it('answers a file as a Blob', async () => {
    fetchMock.mockResolvedValue(new Response('xlsx bytes', { status: 200, headers: { 'Content-Type': 'application/octet-stream' } }))
    const blob = await send(api.GET('/api/registry/imports/template', { parseAs: 'blob' }))
    expect(blob).toBeInstanceOf(Blob)
    expect(await blob.text()).toBe('xlsx bytes')
  })

  it('sends a body holding a file as multipart, without a JSON content type', async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 1 }))
    await send(api.POST('/api/registry/imports', { body: { file: new File(['a,b'], 'people.csv'), mode: 'compare', review: true, unit_id: null } }))
    const request = requestOf(0)
    expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
    expect(request.headers.get('x-csrftoken')).toBe('abc123')
    const form = await request.formData()
    expect(form.get('mode')).toBe('compare')
    expect(form.get('review')).toBe('true')
    expect(form.has('unit_id')).toBe(false)
    expect(await (form.get('file') as Blob).text()).toBe('a,b')
  })

  it('lets an aborted request end as an AbortError, without a message', async () => {
    fetchMock.mockRejectedValue(new DOMException('aborted', 'AbortError'))
    await expect(send(api.GET('/api/units/roots'))).rejects.toMatchObject({ name: 'AbortError' })
    expect(notify).not.toHaveBeenCalled()
  })

  it('rejects a wrong path, method, query or body at type-check time', () => {
    // Never called: `npm run typecheck` fails if any of these lines stops being an error.
    const unused = () => {
      // @ts-expect-error no such path
      void api.GET('/api/unit/roots')
      // @ts-expect-error no PATCH on this path
      void api.PATCH('/api/units/roots')
      // @ts-expect-error no such query parameter
      void api.GET('/api/registry/residents', { params: { query: { name: 'x' } } })
      // @ts-expect-error the body lacks its required fields
      void api.POST('/api/units', { body: { name: 'x' } })
      // @ts-expect-error the path parameter is missing
      void api.GET('/api/units/{unit_id}', {})
    }
    expect(typeof unused).toBe('function')
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
