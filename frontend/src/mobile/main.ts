import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant, { showToast } from 'vant'
import 'vant/lib/index.css'
import 'leaflet/dist/leaflet.css'
import { configureHttp } from '@/api/http'
import { i18n, t } from '@/shared/i18n'
import App from './App.vue'
import { createMobileRouter } from './router'
import { clearSession, getToken, setMe, useSession } from './session'
import { actionQueue, reportQueue, visitQueue, zeroQueue } from './queue'
// Every part's senders of the action queue, registered before the queue's first flush: a queued
// action whose sender is missing would hold up the queue until its page is opened.
import './capture/senders'
import './patrolSession'
import './mustDo'

const router = createMobileRouter()
const app = createApp(App)
app.use(createPinia()).use(router).use(i18n).use(Vant)

configureHttp({
  mode: 'token',
  getToken,
  notify: (message) => {
    showToast({ message, position: 'middle' })
  },
  onUnauthorized: (error) => {
    const hadToken = getToken() !== null
    clearSession()
    if (router.currentRoute.value.name === 'm-login') return
    if (hadToken) showToast({ message: error.message || t('errors.sessionExpired') })
    void router.replace({ name: 'm-login' })
  },
  onPasswordChangeRequired: () => {
    void router.replace({ name: 'm-password' })
  },
  onAgreementRequired: () => {
    const { me } = useSession()
    if (me.value) setMe({ ...me.value, agreement_required: true })
    void router.replace({ name: 'm-agreement' })
  },
})

document.title = t('app.mobileName')
app.mount('#app')
// The offline shell: the phone app's files from the service worker, so that it opens and its
// forms work without a signal (built by vite-plugin-pwa; not in development).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined)
}
// Reports and visits saved while offline go out when the app opens and whenever the network comes back.
reportQueue.start()
visitQueue.start()
zeroQueue.start()
actionQueue.start()
