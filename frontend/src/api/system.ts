import { http } from './http'
import type { SystemConfig } from './types'

export const systemApi = {
  config: () => http.get<SystemConfig>('/system/config', { silent: true, noRedirect: true }),
}
