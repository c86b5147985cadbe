import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus, { ElMessage } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import 'leaflet/dist/leaflet.css'
import './styles.css'
import { configureHttp } from '@/api/http'
import { i18n, t } from '@/shared/i18n'
import App from './App.vue'
import { createConsoleRouter } from './router'
import { useAuthStore } from './stores/auth'

const app = createApp(App)
const pinia = createPinia()
const router = createConsoleRouter()
app.use(pinia).use(router).use(i18n).use(ElementPlus, { locale: zhCn })

let redirecting = false
configureHttp({
  mode: 'session',
  notify: (message) => {
    ElMessage({ type: 'error', message, grouping: true })
  },
  onUnauthorized: (error) => {
    const auth = useAuthStore(pinia)
    const wasLoggedIn = auth.me !== null
    auth.setMe(null)
    const current = router.currentRoute.value
    if (current.name === 'login' || redirecting) return
    redirecting = true
    if (wasLoggedIn) ElMessage({ type: 'warning', message: error.message || t('errors.sessionExpired'), grouping: true })
    void router
      .push({ name: 'login', query: current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
      .finally(() => (redirecting = false))
  },
  onPasswordChangeRequired: (error) => {
    ElMessage({ type: 'warning', message: error.message, grouping: true })
    void router.push({ name: 'password' })
  },
  onAgreementRequired: (error) => {
    const auth = useAuthStore(pinia)
    if (auth.me) auth.setMe({ ...auth.me, agreement_required: true })
    ElMessage({ type: 'warning', message: error.message, grouping: true })
    void router.push({ name: 'agreement' })
  },
})

document.title = t('app.name')
app.mount('#app')
