/**
 * The one API client for both the console (session cookie + CSRF) and the mobile app (bearer
 * token): openapi-fetch over the generated `paths`, so a wrong path, method, query or body is a
 * type error. Each app calls `configureHttp` once at start-up with its own way of showing
 * messages and of reacting to an expired login.
 *
 * The client's middleware signs every request (CSRF header or bearer token) and turns every
 * failure into an `ApiError` (`{code, message, errors}` as the server sends it, or made from the
 * status). `send` unwraps a call's data and applies the caller's choices: the message is shown
 * unless `silent`, a 401 or a required password change redirects unless `noRedirect`.
 */
import createClient, { type Middleware } from 'openapi-fetch'
import { t } from '@/shared/i18n'
import type { paths } from './schema'

export interface FieldError {
  field: string
  message: string
}

/** The error body every API endpoint returns: `{code, message, errors?, data?}`. */
export interface ErrorBody {
  code: string
  message: string
  errors?: FieldError[]
  /** What the client needs to resolve a refusal itself (a 409 stale_record's current values). */
  data?: Record<string, unknown>
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly errors: FieldError[]
  readonly data: Record<string, unknown> | undefined

  constructor(status: number, body: ErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.errors = body.errors ?? []
    this.data = body.data
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
  getToken: () => string | null
  notify: (message: string) => void
  onUnauthorized: (error: ApiError) => void
  onPasswordChangeRequired: (error: ApiError) => void
  /** The user holds a terminal and has not signed the confidentiality agreement in force. */
  onAgreementRequired: (error: ApiError) => void
}

const config: HttpConfig = {
  mode: 'session',
  getToken: () => null,
  notify: () => undefined,
  onUnauthorized: () => undefined,
  onPasswordChangeRequired: () => undefined,
  onAgreementRequired: () => undefined,
}

export function configureHttp(partial: Partial<HttpConfig>): void {
  Object.assign(config, partial)
}

/** What a caller chooses about a failed call. */
export interface CallOptions {
  /** Do not show the error message; the caller shows it (e.g. next to a form field). */
  silent?: boolean
  /** Do not run the 401 / password-change redirects (used while probing the login state). */
  noRedirect?: boolean
  /** Cancels the request (passed to the client call, not to `send`). */
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

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue | QueryValue[]>

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

/** A JSON body as JSON; a multipart body (an upload) as FormData, files as themselves, empty values left out. */
function serializeBody(body: unknown): BodyInit {
  if (typeof FormData !== 'undefined' && body instanceof FormData) return body
  if (typeof body === 'object' && body !== null && Object.values(body).some((v) => typeof Blob !== 'undefined' && v instanceof Blob)) {
    const form = new FormData()
    for (const [key, v] of Object.entries(body)) {
      if (v === undefined || v === null) continue
      if (v instanceof Blob) form.append(key, v, v instanceof File ? v.name : 'file')
      else form.append(key, String(v))
    }
    return form
  }
  return JSON.stringify(body)
}

/** The console signs unsafe requests with the CSRF cookie, the phone every request with its token. */
const signRequest: Middleware = {
  onRequest({ request }) {
    if (config.mode === 'session') {
      if (!SAFE_METHODS.has(request.method)) {
        const csrf = readCookie('csrftoken')
        if (csrf) request.headers.set('X-CSRFToken', csrf)
      }
    } else {
      const token = config.getToken()
      if (token) request.headers.set('Authorization', `Bearer ${token}`)
    }
    return request
  },
}

/** Every failure leaves the client as an ApiError; an aborted request stays an AbortError. */
const raiseErrors: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await parseError(response)
    return undefined
  },
  onError({ error }) {
    if (error instanceof DOMException && error.name === 'AbortError') return undefined
    if (error instanceof ApiError) return error
    return new ApiError(0, { code: 'network_error', message: t('errors.network') })
  },
}

/** The page's own origin: openapi-fetch builds a `Request`, which needs an absolute URL outside a browser. */
function pageOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin
}

/** The paths of `paths` start with `/api`; the client adds the page's origin. */
export const api = createClient<paths>({
  baseUrl: pageOrigin(),
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  querySerializer: (query) => buildQuery(query as Query),
  bodySerializer: serializeBody,
  // the global at call time (tests replace it)
  fetch: (request) => globalThis.fetch(request),
})
api.use(signRequest, raiseErrors)

/** A file the server sends is served under `/api`: the path the client calls (`/api/attachments/1/file`). */
export const API_PREFIX = '/api'

function report(err: ApiError, opts: CallOptions): void {
  if (!opts.noRedirect && err.status === 401) {
    config.onUnauthorized(err)
    return
  }
  if (!opts.noRedirect && err.status === 403 && err.code === 'password_change_required') {
    config.onPasswordChangeRequired(err)
    return
  }
  if (!opts.noRedirect && err.status === 403 && err.code === 'agreement_required') {
    config.onAgreementRequired(err)
    return
  }
  if (!opts.silent) config.notify(err.message)
}

/**
 * The data of a client call; a failure is reported as the caller chose (see CallOptions) and
 * rethrown as the ApiError. An empty answer (204) is `undefined`.
 */
export async function send<T>(call: Promise<{ data?: T }>, opts: CallOptions = {}): Promise<T> {
  try {
    const { data } = await call
    return data as T
  } catch (e) {
    if (e instanceof ApiError) report(e, opts)
    throw e
  }
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
