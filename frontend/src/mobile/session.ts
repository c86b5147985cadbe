/** The mobile app's login state: a bearer token kept in localStorage and the current user. */
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import type { Me, UnitBrief } from '@/api/types'

const TOKEN_KEY = 'zongzhi.m.token'

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

const token = ref<string | null>(readToken())
const me = ref<Me | null>(null)

export function getToken(): string | null {
  return token.value
}

export function setToken(value: string | null): void {
  token.value = value
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    /* private mode: the token lasts for this page only */
  }
}

export function clearSession(): void {
  setToken(null)
  me.value = null
}

export async function loadMe(): Promise<Me | null> {
  if (!token.value) return null
  try {
    me.value = await authApi.me({ silent: true, noRedirect: true })
  } catch {
    me.value = null
  }
  return me.value
}

export async function logout(): Promise<void> {
  try {
    await authApi.logout()
  } finally {
    clearSession()
  }
}

/** Grids the worker is responsible for: the grid-level units of the capture scope. */
export const myGrids = computed<UnitBrief[]>(() => (me.value?.user.capture_scope ?? []).filter((u) => u.level === 'grid'))

export function useSession() {
  return { token, me, myGrids }
}

export function setMe(value: Me | null): void {
  me.value = value
}
