/**
 * The phone app's own device id: a random id made once and kept in localStorage. It goes with
 * every login, so the server binds the holder's phone terminal to it at the first login and,
 * when the terminal is reported lost, ends every session opened from this phone at once.
 * It is not a hardware id and identifies nothing but this app's storage on this phone.
 */
import { uuid4 } from '@/shared/uuid'

const DEVICE_KEY = 'zongzhi.m.device'
let fallback: string | null = null

export function deviceId(): string {
  try {
    let id = localStorage.getItem(DEVICE_KEY)
    if (!id) {
      id = uuid4()
      localStorage.setItem(DEVICE_KEY, id)
    }
    return id
  } catch {
    fallback ??= uuid4()
    return fallback
  }
}
