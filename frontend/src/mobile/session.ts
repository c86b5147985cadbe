/** The mobile app's login state: a bearer token kept in localStorage and the current user. */
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import type { Me, UnitBrief } from '@/api/types'
import { forget, isOffline, keep, kept } from './lastSeen'
import { clearOfflineData } from './offlineData'

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

/** The user as last seen, with the token it was seen with (another login's is never used). */
const ME_KEY = 'me'
type SeenMe = { token: string; me: Me }

/** What the day's work keeps on the phone (lastSeen.ts keys): the worker's, not the next user's. */
const DAY_KEYS = ['mustdo.today']

/**
 * End the login on this phone. At a logout (`dropOfflineData`) everything the phone keeps for
 * offline work goes too (offlineData.ts; the page warns first when something is unsent); an
 * expired login keeps it for the same worker's next login.
 */
export function clearSession(opts: { dropOfflineData?: boolean } = {}): void {
  setToken(null)
  me.value = null
  forget(ME_KEY)
  if (opts.dropOfflineData) {
    clearOfflineData()
    for (const key of DAY_KEYS) forget(key)
  }
}

/**
 * The current user from the server; without a network, as last seen with this token, so that
 * the app opens and its forms queue without a signal. A refusal (401) ends the login.
 */
export async function loadMe(): Promise<Me | null> {
  const current = token.value
  if (!current) return null
  try {
    me.value = await authApi.me({ silent: true, noRedirect: true })
    keep(ME_KEY, { token: current, me: me.value } satisfies SeenMe)
  } catch (e) {
    const seen = isOffline(e) ? kept<SeenMe>(ME_KEY) : undefined
    me.value = seen && seen.token === current ? seen.me : null
  }
  return me.value
}

/** What must stop when the worker logs out (a patrol's position watch); parts register here. */
export const logoutHooks: Array<() => void> = []

export async function logout(): Promise<void> {
  for (const hook of logoutHooks) hook()
  try {
    await authApi.logout()
  } finally {
    clearSession({ dropOfflineData: true })
  }
}

/** Grids the worker is responsible for: the grid-level units of the capture scope. */
export const myGrids = computed<UnitBrief[]>(() => (me.value?.user.capture_scope ?? []).filter((u) => u.level === 'grid'))

export function useSession() {
  return { token, me, myGrids }
}

export function setMe(value: Me | null): void {
  me.value = value
  if (value && token.value) keep(ME_KEY, { token: token.value, me: value } satisfies SeenMe)
}
