import { defineStore } from 'pinia'
import { ref } from 'vue'
import { systemApi } from '@/api/system'
import type { SystemConfig } from '@/api/types'

/** Site-wide settings from the server (tile server for maps, version). */
export const useSystemStore = defineStore('system', () => {
  const config = ref<SystemConfig | null>(null)
  let loading: Promise<SystemConfig | null> | null = null

  function load(): Promise<SystemConfig | null> {
    if (config.value) return Promise.resolve(config.value)
    loading ??= systemApi
      .config()
      .then((c) => (config.value = c))
      .catch(() => null)
      .finally(() => (loading = null))
    return loading
  }

  return { config, load }
})
