/**
 * The login step machine shared by the console and the mobile app.
 *
 * Steps:
 *   1. credentials — username and password; the server answers with a LoginOut.
 *   2. otp         — status "otp_required": a 6-digit code against the challenge.
 *   3. otp_setup   — status "otp_setup_required": fetch secret + QR for the challenge, confirm a code.
 *   4. password    — login succeeded but `me.password_change_required`: change the password first.
 *   5. done        — logged in.
 */
import { ref, type Ref } from 'vue'
import type { LoginClient, LoginIn, LoginOut, Me, OtpSetupOut, OtpVerifyIn } from '@/api/types'

export type LoginStep =
  | { kind: 'credentials' }
  | { kind: 'otp'; challenge: string }
  | { kind: 'otp_setup'; challenge: string; setup: OtpSetupOut | null }
  | { kind: 'password'; me: Me; token: string | null }
  | { kind: 'done'; me: Me; token: string | null }

export interface LoginApi {
  login: (body: LoginIn) => Promise<LoginOut>
  otpVerify: (body: OtpVerifyIn) => Promise<LoginOut>
  otpSetup: (challenge: string) => Promise<OtpSetupOut>
  otpConfirm: (body: OtpVerifyIn) => Promise<LoginOut>
  me: () => Promise<Me>
}

/** The next step for a server answer; `me` is fetched when an "ok" answer carries none. */
export function stepFromLoginOut(out: LoginOut, me: Me | null | undefined = out.me): LoginStep {
  switch (out.status) {
    case 'otp_required':
      return { kind: 'otp', challenge: out.challenge ?? '' }
    case 'otp_setup_required':
      return { kind: 'otp_setup', challenge: out.challenge ?? '', setup: null }
    case 'ok':
      if (!me) return { kind: 'credentials' }
      return me.password_change_required
        ? { kind: 'password', me, token: out.token ?? null }
        : { kind: 'done', me, token: out.token ?? null }
  }
}

/** The digits of a one-time code from the authenticator app (TOTP's format, RFC 6238). */
export const OTP_CODE_LENGTH = 6
export const OTP_CODE_RE = new RegExp(`^\\d{${OTP_CODE_LENGTH}}$`)

export interface LoginFlow {
  step: Ref<LoginStep>
  busy: Ref<boolean>
  submitCredentials: (username: string, password: string) => Promise<LoginStep>
  submitOtp: (code: string) => Promise<LoginStep>
  loadSetup: () => Promise<LoginStep>
  confirmSetup: (code: string) => Promise<LoginStep>
  passwordChanged: (me: Me) => LoginStep
  reset: () => void
}

/**
 * `deviceId` (the phone app's own id, see mobile/device.ts) goes with every step that logs in, so
 * the server binds the holder's phone terminal and can end this phone's sessions if it is lost.
 */
export function useLoginFlow(client: LoginClient, api: LoginApi, deviceId: () => string = () => ''): LoginFlow {
  const step = ref<LoginStep>({ kind: 'credentials' })
  const busy = ref(false)

  async function advance(out: LoginOut): Promise<LoginStep> {
    let me = out.me
    if (out.status === 'ok' && !me && client === 'session') me = await api.me()
    const next = stepFromLoginOut(out, me)
    step.value = next
    if (next.kind === 'otp_setup') await loadSetup()
    return step.value
  }

  async function run(fn: () => Promise<LoginStep>): Promise<LoginStep> {
    busy.value = true
    try {
      return await fn()
    } finally {
      busy.value = false
    }
  }

  function challenge(): string {
    const s = step.value
    return s.kind === 'otp' || s.kind === 'otp_setup' ? s.challenge : ''
  }

  const submitCredentials = (username: string, password: string) =>
    run(async () => advance(await api.login({ username, password, client, device_id: deviceId() })))

  const submitOtp = (code: string) =>
    run(async () => advance(await api.otpVerify({ challenge: challenge(), code, client, device_id: deviceId() })))

  async function loadSetup(): Promise<LoginStep> {
    const s = step.value
    if (s.kind !== 'otp_setup') return s
    const setup = await api.otpSetup(s.challenge)
    step.value = { ...s, setup }
    return step.value
  }

  const confirmSetup = (code: string) =>
    run(async () => advance(await api.otpConfirm({ challenge: challenge(), code, client, device_id: deviceId() })))

  function passwordChanged(me: Me): LoginStep {
    const s = step.value
    const token = s.kind === 'password' || s.kind === 'done' ? s.token : null
    step.value = { kind: 'done', me, token }
    return step.value
  }

  function reset(): void {
    step.value = { kind: 'credentials' }
  }

  return { step, busy, submitCredentials, submitOtp, loadSetup, confirmSetup, passwordChanged, reset }
}
