/**
 * The one fetch wrapper for both the console (session cookie + CSRF) and the mobile app
 * (bearer token). Each app calls `configureHttp` once at start-up with its own way of showing
 * messages and of reacting to an expired login.
 */
import { t } from '@/shared/i18n'

export interface FieldError {
  field: string
  message: string
}

/** The error body every API endpoint returns: `{code, message, errors?}`. */
export interface ErrorBody {
  code: string
  message: string
  errors?: FieldError[]
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly errors: FieldError[]

  constructor(status: number, body: ErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.errors = body.errors ?? []
  }

  /** Field errors keyed by field name, for `<el-form-item :error>`. Dotted paths keep their last part too. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.errors) {
      out[e.field] = e.message
      const last = e.field.split('.').pop()
      if (last && !(last in out)) out[last] = e.message
    }
    return out
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

export type ClientMode = 'session' | 'token'

export interface HttpConfig {
  mode: ClientMode
  baseUrl: string
  getToken: () => string | null
  notify: (message: string) => void
  onUnauthorized: (error: ApiError) => void
  onPasswordChangeRequired: (error: ApiError) => void
}

const config: HttpConfig = {
  mode: 'session',
  baseUrl: '/api',
  getToken: () => null,
  notify: () => undefined,
  onUnauthorized: () => undefined,
  onPasswordChangeRequired: () => undefined,
}

export function configureHttp(partial: Partial<HttpConfig>): void {
  Object.assign(config, partial)
}

export function getHttpConfig(): Readonly<HttpConfig> {
  return config
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue | QueryValue[]>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  /** JSON-encoded, except FormData which is sent as multipart. */
  body?: unknown
  /** Do not show the error message; the caller shows it (e.g. next to a form field). */
  silent?: boolean
  /** Do not run the 401 / password-change redirects (used while probing the login state). */
  noRedirect?: boolean
  responseType?: 'json' | 'blob'
  signal?: AbortSignal
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=')
    if (k === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

/** `?a=1&b=x` from a query object; empty, null and undefined values are left out. */
export function buildQuery(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, raw] of Object.entries(query)) {
    const values = Array.isArray(raw) ? raw : [raw]
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue
      params.append(key, String(v))
    }
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as { code?: unknown }).code === 'string' && typeof (v as { message?: unknown }).message === 'string'
}

/** Turn a failed response into an ApiError, whatever its body looks like. */
export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    const text = await res.text()
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  if (isErrorBody(body)) return new ApiError(res.status, body)
  // django-ninja's own validation errors: {"detail": [{loc: [...], msg: ...}]} or {"detail": "..."}
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail
    if (typeof detail === 'string') return new ApiError(res.status, { code: `http_${res.status}`, message: detail })
    if (Array.isArray(detail)) {
      const errors: FieldError[] = detail.map((d: { loc?: unknown[]; msg?: string }) => ({
        field: Array.isArray(d.loc) ? String(d.loc[d.loc.length - 1] ?? '') : '',
        message: d.msg ?? '',
      }))
      return new ApiError(res.status, {
        code: 'validation_error',
        message: errors[0]?.message || t('errors.server', { status: res.status }),
        errors,
      })
    }
  }
  if (res.status === 401) return new ApiError(401, { code: 'not_authenticated', message: t('errors.sessionExpired') })
  if (res.status === 403) return new ApiError(403, { code: 'forbidden', message: t('errors.forbidden') })
  return new ApiError(res.status, { code: `http_${res.status}`, message: t('errors.server', { status: res.status }) })
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (typeof FormData !== 'undefined' && options.body instanceof FormData) {
    body = options.body // the browser sets the multipart Content-Type with its boundary
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  if (config.mode === 'session') {
    if (!SAFE_METHODS.has(method)) {
      const csrf = readCookie('csrftoken')
      if (csrf) headers['X-CSRFToken'] = csrf
    }
  } else {
    const token = config.getToken()
    if (token) headers.Authorization = `Bearer ${token}`
  }

  const url = `${config.baseUrl}${path}${buildQuery(options.query)}`
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    const err = new ApiError(0, { code: 'network_error', message: t('errors.network') })
    if (!options.silent) config.notify(err.message)
    throw err
  }

  if (!res.ok) {
    const err = await parseError(res)
    if (!options.noRedirect && err.status === 401) {
      config.onUnauthorized(err)
      throw err
    }
    if (!options.noRedirect && err.status === 403 && err.code === 'password_change_required') {
      config.onPasswordChangeRequired(err)
      throw err
    }
    if (!options.silent) config.notify(err.message)
    throw err
  }

  if (options.responseType === 'blob') return (await res.blob()) as T
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

type Opts = Omit<RequestOptions, 'method' | 'body'>

export const http = {
  get: <T>(path: string, opts?: Opts) => request<T>(path, { ...opts, method: 'GET' }),
  post: <T>(path: string, body?: unknown, opts?: Opts) => request<T>(path, { ...opts, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, opts?: Opts) => request<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, opts?: Opts) => request<T>(path, { ...opts, method: 'PATCH', body }),
  delete: <T = void>(path: string, opts?: Opts) => request<T>(path, { ...opts, method: 'DELETE' }),
}

/** Save a Blob as a file (used for exports). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
