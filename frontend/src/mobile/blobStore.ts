/**
 * A small typed wrapper over IndexedDB holding the photos and videos of queued reports
 * (localStorage cannot hold Blobs). When IndexedDB is missing or fails (some private modes)
 * the files are kept in memory instead: they then last as long as the page.
 */
import { memoryBlobStore, type BlobStore, type StoredFile } from './reportQueue'

const DB_NAME = 'zongzhi-m'
const STORE = 'reportFiles'

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('indexedDB request failed'))
  })
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE)
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('indexedDB open failed'))
    req.onblocked = () => reject(new Error('indexedDB blocked'))
  })
}

export function indexedDbBlobStore(factory: IDBFactory | undefined = globalThis.indexedDB): BlobStore {
  const memory = memoryBlobStore()
  let db: Promise<IDBDatabase> | null = null

  function database(): Promise<IDBDatabase> {
    if (!factory) return Promise.reject(new Error('indexedDB unavailable'))
    db ??= openDb(factory).catch((e: unknown) => {
      db = null
      throw e
    })
    return db
  }

  async function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const d = await database()
    const tx = d.transaction(STORE, mode)
    const result = await promised(op(tx.objectStore(STORE)))
    if (mode === 'readwrite') {
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error ?? new Error('indexedDB transaction failed'))
        tx.onabort = () => reject(tx.error ?? new Error('indexedDB transaction aborted'))
      })
    }
    return result
  }

  return {
    async put(key, files) {
      try {
        await run('readwrite', (s) => s.put(files, key))
      } catch {
        await memory.put(key, files)
      }
    },
    async get(key) {
      const kept = await memory.get(key)
      if (kept) return kept
      try {
        return (await run<StoredFile[] | undefined>('readonly', (s) => s.get(key) as IDBRequest<StoredFile[] | undefined>)) ?? undefined
      } catch {
        return undefined
      }
    },
    async delete(key) {
      await memory.delete(key)
      try {
        await run('readwrite', (s) => s.delete(key))
      } catch {
        /* nothing stored there */
      }
    },
  }
}
