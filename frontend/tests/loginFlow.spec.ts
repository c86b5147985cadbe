import { describe, expect, it, vi } from 'vitest'
import { stepFromLoginOut, useLoginFlow, type LoginApi } from '@/shared/loginFlow'
import type { LoginOut } from '@/api/types'
import { makeMe } from './fixtures'

function fakeApi(overrides: Partial<LoginApi> = {}): LoginApi {
  return {
    login: vi.fn(),
    otpVerify: vi.fn(),
    otpSetup: vi.fn().mockResolvedValue({ secret: 'ABC', otpauth_uri: 'otpauth://totp/x', qr_svg: '<svg/>' }),
    otpConfirm: vi.fn(),
    me: vi.fn().mockResolvedValue(makeMe()),
    ...overrides,
  }
}

const ok = (me = makeMe(), token: string | null = null): LoginOut => ({ status: 'ok', challenge: null, token, me })

describe('stepFromLoginOut', () => {
  it('maps each status to its step', () => {
    expect(stepFromLoginOut(ok()).kind).toBe('done')
    expect(stepFromLoginOut({ status: 'otp_required', challenge: 'c1', token: null, me: null })).toEqual({ kind: 'otp', challenge: 'c1' })
    expect(stepFromLoginOut({ status: 'otp_setup_required', challenge: 'c2', token: null, me: null })).toEqual({
      kind: 'otp_setup',
      challenge: 'c2',
      setup: null,
    })
    expect(stepFromLoginOut(ok(makeMe({ password_change_required: true }))).kind).toBe('password')
  })
})

describe('login step machine', () => {
  it('logs straight in when the server says ok', async () => {
    const api = fakeApi({ login: vi.fn().mockResolvedValue(ok()) })
    const flow = useLoginFlow('session', api)
    const step = await flow.submitCredentials('wangwu', 'secret')
    expect(step.kind).toBe('done')
    expect(api.login).toHaveBeenCalledWith({ username: 'wangwu', password: 'secret', client: 'session', device_id: '' })
  })

  it('asks for a TOTP code, then logs in', async () => {
    const api = fakeApi({
      login: vi.fn().mockResolvedValue({ status: 'otp_required', challenge: 'ch', token: null, me: null }),
      otpVerify: vi.fn().mockResolvedValue(ok(makeMe(), 'tok')),
    })
    const flow = useLoginFlow('token', api)
    expect((await flow.submitCredentials('u', 'p')).kind).toBe('otp')
    const step = await flow.submitOtp('123456')
    expect(api.otpVerify).toHaveBeenCalledWith({ challenge: 'ch', code: '123456', client: 'token', device_id: '' })
    expect(step).toMatchObject({ kind: 'done', token: 'tok' })
  })

  it('stays on the code step when the code is wrong', async () => {
    const api = fakeApi({
      login: vi.fn().mockResolvedValue({ status: 'otp_required', challenge: 'ch', token: null, me: null }),
      otpVerify: vi.fn().mockRejectedValue(new Error('bad code')),
    })
    const flow = useLoginFlow('session', api)
    await flow.submitCredentials('u', 'p')
    await expect(flow.submitOtp('000000')).rejects.toThrow('bad code')
    expect(flow.step.value.kind).toBe('otp')
    expect(flow.busy.value).toBe(false)
  })

  it('sets up TOTP: fetches the secret and QR, confirms, logs in', async () => {
    const api = fakeApi({
      login: vi.fn().mockResolvedValue({ status: 'otp_setup_required', challenge: 'setup-ch', token: null, me: null }),
      otpConfirm: vi.fn().mockResolvedValue(ok()),
    })
    const flow = useLoginFlow('session', api)
    const step = await flow.submitCredentials('u', 'p')
    expect(api.otpSetup).toHaveBeenCalledWith('setup-ch')
    expect(step).toMatchObject({ kind: 'otp_setup', challenge: 'setup-ch', setup: { secret: 'ABC' } })
    const done = await flow.confirmSetup('654321')
    expect(api.otpConfirm).toHaveBeenCalledWith({ challenge: 'setup-ch', code: '654321', client: 'session', device_id: '' })
    expect(done.kind).toBe('done')
  })

  it('goes to the password step when the server requires a change, then finishes', async () => {
    const forced = makeMe({ password_change_required: true })
    const api = fakeApi({ login: vi.fn().mockResolvedValue(ok(forced, 't')) })
    const flow = useLoginFlow('token', api)
    expect((await flow.submitCredentials('u', 'p')).kind).toBe('password')
    const done = flow.passwordChanged(makeMe())
    expect(done).toMatchObject({ kind: 'done', token: 't' })
  })

  it('fetches me after an ok answer without one (session client)', async () => {
    const api = fakeApi({ login: vi.fn().mockResolvedValue({ status: 'ok', challenge: null, token: null, me: null }) })
    const flow = useLoginFlow('session', api)
    expect((await flow.submitCredentials('u', 'p')).kind).toBe('done')
    expect(api.me).toHaveBeenCalled()
  })

  it('returns to the credentials step on reset', async () => {
    const api = fakeApi({ login: vi.fn().mockResolvedValue({ status: 'otp_required', challenge: 'c', token: null, me: null }) })
    const flow = useLoginFlow('session', api)
    await flow.submitCredentials('u', 'p')
    flow.reset()
    expect(flow.step.value.kind).toBe('credentials')
  })
})
