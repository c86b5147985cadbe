/**
 * Attachment files on the phone: the server serves them only with the bearer token, which a
 * plain <img src> cannot send. They are fetched with the token into object URLs, cached per
 * page and revoked when the component that asked for them goes away.
 */
import { onBeforeUnmount, reactive } from 'vue'
import { attachmentsApi } from '@/api/attachments'

export function useAuthedUrls() {
  /** server URL → object URL, filled as the files arrive. */
  const urls = reactive(new Map<string, string>())
  const pending = new Map<string, Promise<string>>()
  let alive = true

  function load(url: string): Promise<string> {
    const ready = urls.get(url)
    if (ready) return Promise.resolve(ready)
    let p = pending.get(url)
    if (!p) {
      p = attachmentsApi
        .blob(url, { silent: true })
        .then((blob) => {
          const objectUrl = URL.createObjectURL(blob)
          if (alive) urls.set(url, objectUrl)
          else URL.revokeObjectURL(objectUrl)
          return objectUrl
        })
        .finally(() => pending.delete(url))
      pending.set(url, p)
    }
    return p
  }

  function revokeAll(): void {
    for (const u of urls.values()) URL.revokeObjectURL(u)
    urls.clear()
  }

  onBeforeUnmount(() => {
    alive = false
    revokeAll()
  })

  return { urls, load }
}
