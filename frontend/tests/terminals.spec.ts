import { describe, expect, it, vi } from 'vitest'
import { useLoginFlow, type LoginApi } from '@/shared/loginFlow'
import { stepsFor } from '@/console/views/field/terminals/useTerminals'
import { makeMe } from './fixtures'

describe('terminal steps', () => {
  it('offers the steps the terminal status allows', () => {
    expect(stepsFor('in_stock')).toEqual(['issue', 'retire'])
    expect(stepsFor('issued')).toEqual(['handover', 'return', 'lost'])
    expect(stepsFor('lost')).toEqual(['found', 'retire'])
    expect(stepsFor('retired')).toEqual([])
  })
})

describe('phone login', () => {
  it('sends the device id with every login step', async () => {
    const ok = { status: 'ok' as const, challenge: null, token: 'tok', me: makeMe() }
    const api: LoginApi = {
      login: vi.fn().mockResolvedValue({ status: 'otp_required', challenge: 'ch', token: null, me: null }),
      otpVerify: vi.fn().mockResolvedValue(ok),
      otpSetup: vi.fn(),
      otpConfirm: vi.fn(),
      me: vi.fn(),
    }
    const flow = useLoginFlow('token', api, () => 'dev-1')
    await flow.submitCredentials('u', 'p')
    expect(api.login).toHaveBeenCalledWith({ username: 'u', password: 'p', client: 'token', device_id: 'dev-1' })
    await flow.submitOtp('123456')
    expect(api.otpVerify).toHaveBeenCalledWith({ challenge: 'ch', code: '123456', client: 'token', device_id: 'dev-1' })
  })

  it('keeps one device id on the phone', async () => {
    const { deviceId } = await import('@/mobile/device')
    const first = deviceId()
    expect(first).toMatch(/^[0-9a-f-]{36}$/)
    expect(deviceId()).toBe(first)
  })
})
