/** The user's own TOTP device: status, enrolment (secret + QR, then a code), removal. */
import { ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { authApi } from '@/api/auth'
import { isApiError } from '@/api/http'
import type { OtpSetupOut } from '@/api/types'
import { t } from '@/shared/i18n'
import { OTP_CODE_RE } from '@/shared/loginFlow'

export function useOtp(onChanged: () => Promise<unknown>) {
  const enabled = ref<boolean | null>(null)
  const setup = shallowRef<OtpSetupOut | null>(null)
  const code = ref('')
  const error = ref('')
  const busy = ref(false)

  async function load(): Promise<void> {
    enabled.value = (await authApi.otpStatus()).enabled
  }

  async function start(): Promise<void> {
    busy.value = true
    try {
      setup.value = await authApi.otpEnable()
      code.value = ''
      error.value = ''
    } finally {
      busy.value = false
    }
  }

  async function confirm(): Promise<void> {
    if (!OTP_CODE_RE.test(code.value)) {
      error.value = t('login.codeInvalid')
      return
    }
    busy.value = true
    error.value = ''
    try {
      enabled.value = (await authApi.otpEnableConfirm(code.value, { silent: true })).enabled
      setup.value = null
      ElMessage.success(t('otp.enabledDone'))
      await onChanged()
    } catch (e) {
      if (isApiError(e)) error.value = e.message
      code.value = ''
    } finally {
      busy.value = false
    }
  }

  async function disable(): Promise<void> {
    try {
      await ElMessageBox.confirm(t('otp.disableConfirm'), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await authApi.otpDisable()
    enabled.value = false
    ElMessage.success(t('otp.disabledDone'))
    await onChanged()
  }

  function cancel(): void {
    setup.value = null
  }

  return { enabled, setup, code, error, busy, load, start, confirm, disable, cancel }
}
