import { api, send, type CallOptions } from './http'
import type { LoginClient, LoginIn, OtpVerifyIn, PasswordChangeIn } from './types'

type Opts = Pick<CallOptions, 'silent' | 'noRedirect'>

export const authApi = {
  /** Sets the csrftoken cookie; the console calls it once before logging in. */
  csrf: (): Promise<void> => send(api.GET('/api/auth/csrf'), { silent: true, noRedirect: true }),
  login: (body: LoginIn) => send(api.POST('/api/auth/login', { body }), { noRedirect: true }),
  otpVerify: (body: OtpVerifyIn) => send(api.POST('/api/auth/otp/verify', { body }), { noRedirect: true }),
  otpSetup: (challenge: string) => send(api.POST('/api/auth/otp/setup', { body: { challenge } }), { noRedirect: true }),
  otpConfirm: (body: OtpVerifyIn) => send(api.POST('/api/auth/otp/confirm', { body }), { noRedirect: true }),
  me: (opts?: Opts) => send(api.GET('/api/auth/me'), opts),
  logout: (): Promise<void> => send(api.POST('/api/auth/logout'), { silent: true, noRedirect: true }),
  changePassword: (body: PasswordChangeIn, opts?: Opts) => send(api.POST('/api/auth/password', { body }), { noRedirect: true, ...opts }),
  otpStatus: () => send(api.GET('/api/auth/otp/devices')),
  otpEnable: () => send(api.POST('/api/auth/otp/devices')),
  otpEnableConfirm: (code: string, opts?: Opts) => send(api.POST('/api/auth/otp/devices/confirm', { body: { code } }), opts),
  otpDisable: (): Promise<void> => send(api.DELETE('/api/auth/otp/devices')),
  /** The console refused to open `path` (the user's roles do not allow it): audited by the server. */
  denied: (path: string): Promise<void> => send(api.POST('/api/auth/denied', { body: { path: path.slice(0, 300) } }), { silent: true, noRedirect: true }),
}

export type { LoginClient }
