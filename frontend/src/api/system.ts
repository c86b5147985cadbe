import { api, send } from './http'

export const systemApi = {
  config: () => send(api.GET('/api/system/config'), { silent: true, noRedirect: true }),
}
