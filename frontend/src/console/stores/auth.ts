import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import { isApiError } from '@/api/http'
import type { Me, WriteMode } from '@/api/types'
import { CAP, hasAny } from '@/shared/capabilities'
import { writeModeOf } from '@/shared/writeScope'

/** Who is logged in to the console, and what they may do. */
export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  /** True once we asked the server at least once (so the router knows not to ask again). */
  const checked = ref(false)

  const user = computed(() => me.value?.user ?? null)
  const capabilities = computed(() => me.value?.capabilities ?? [])
  const passwordChangeRequired = computed(() => me.value?.password_change_required ?? false)
  /** Holds a terminal and has not signed the confidentiality agreement in force. */
  const agreementRequired = computed(() => me.value?.agreement_required ?? false)
  /** One of the three administrators: only they are shown technical fields (unit paths and codes, code keys). */
  const isAdmin = computed(() => (me.value?.admin_kind ?? null) !== null)

  function can(...caps: string[]): boolean {
    return hasAny(capabilities.value, caps)
  }

  /** How the user may change the registry records of the unit at `path` (hides buttons only). */
  function writeModeAt(path: string): WriteMode {
    const u = user.value
    return u ? writeModeOf(path, u.capture_scope, u.view_scope, can(CAP.registryCorrect)) : 'none'
  }

  function setMe(value: Me | null): void {
    me.value = value
    checked.value = true
  }

  /** Load the current user; null when not logged in. */
  async function fetchMe(): Promise<Me | null> {
    try {
      setMe(await authApi.me({ silent: true, noRedirect: true }))
    } catch (e) {
      if (isApiError(e) && e.status === 403 && e.code === 'password_change_required') {
        // Logged in but must change the password first; me is not available yet.
        checked.value = true
        throw e
      }
      setMe(null)
    }
    return me.value
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      setMe(null)
    }
  }

  return { me, checked, user, capabilities, passwordChangeRequired, agreementRequired, isAdmin, can, writeModeAt, setMe, fetchMe, logout }
})
