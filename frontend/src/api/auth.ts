import { http, type RequestOptions } from './http'
import type {
  LoginClient,
  LoginIn,
  LoginOut,
  Me,
  OtpSetupOut,
  OtpStatus,
  OtpVerifyIn,
  PasswordChangeIn,
} from './types'

type Opts = Pick<RequestOptions, 'silent' | 'noRedirect'>

export const authApi = {
  /** Sets the csrftoken cookie; the console calls it once before logging in. */
  csrf: () => http.get<void>('/auth/csrf', { silent: true, noRedirect: true }),
  login: (body: LoginIn) => http.post<LoginOut>('/auth/login', body, { noRedirect: true }),
  otpVerify: (body: OtpVerifyIn) => http.post<LoginOut>('/auth/otp/verify', body, { noRedirect: true }),
  otpSetup: (challenge: string) => http.post<OtpSetupOut>('/auth/otp/setup', { challenge }, { noRedirect: true }),
  otpConfirm: (body: OtpVerifyIn) => http.post<LoginOut>('/auth/otp/confirm', body, { noRedirect: true }),
  me: (opts?: Opts) => http.get<Me>('/auth/me', opts),
  logout: () => http.post<void>('/auth/logout', undefined, { silent: true, noRedirect: true }),
  changePassword: (body: PasswordChangeIn, opts?: Opts) =>
    http.post<Me>('/auth/password', body, { noRedirect: true, ...opts }),
  otpStatus: () => http.get<OtpStatus>('/auth/otp/devices'),
  otpEnable: () => http.post<OtpSetupOut>('/auth/otp/devices'),
  otpEnableConfirm: (code: string, opts?: Opts) => http.post<OtpStatus>('/auth/otp/devices/confirm', { code }, opts),
  otpDisable: () => http.delete('/auth/otp/devices'),
}

export type { LoginClient }
