import { createRouter, createWebHistory, type Router } from 'vue-router'
import { getToken, loadMe, useSession } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
  }
}

export function createMobileRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/m/'),
    routes: [
      { path: '/login', name: 'm-login', component: () => import('./views/login.vue'), meta: { public: true } },
      { path: '/password', name: 'm-password', component: () => import('./views/password.vue') },
      { path: '/agreement', name: 'm-agreement', component: () => import('./views/agreement.vue') },
      { path: '/', name: 'm-home', component: () => import('./views/home.vue') },
      { path: '/grid/:id(\\d+)', name: 'm-grid', component: () => import('./views/grid.vue'), props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/cases', name: 'm-cases', component: () => import('./views/cases.vue') },
      { path: '/cases/:id(\\d+)', name: 'm-case', component: () => import('./views/case.vue'), props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/visits', name: 'm-visits', component: () => import('./views/visits.vue') },
      { path: '/visits/:id(\\d+)', name: 'm-visit', component: () => import('./views/visit.vue'), props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/report', name: 'm-report', component: () => import('./views/report.vue') },
      { path: '/info', name: 'm-info', component: () => import('./views/info.vue') },
      { path: '/info/mine', name: 'm-info-mine', component: () => import('./views/infoMine.vue') },
      { path: '/warnings', name: 'm-warnings', component: () => import('./views/warnings.vue') },
      { path: '/warnings/:id(\\d+)', name: 'm-warning', component: () => import('./views/warning.vue'), props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/notices', name: 'm-notices', component: () => import('./views/notices.vue') },
      { path: '/zero', name: 'm-zero', component: () => import('./views/zero.vue') },
      { path: '/duty', name: 'm-duty', component: () => import('./views/duty.vue') },
      { path: '/capture', name: 'm-capture', component: () => import('./views/capture/hub.vue') },
      { path: '/capture/outbox', name: 'm-capture-outbox', component: () => import('./views/capture/outbox.vue') },
      { path: '/capture/resident', name: 'm-capture-resident', component: () => import('./views/capture/resident.vue') },
      { path: '/capture/residents', name: 'm-capture-residents', component: () => import('./views/capture/residents.vue') },
      {
        path: '/capture/residents/:id(\\d+)',
        name: 'm-capture-resident-edit',
        component: () => import('./views/capture/residentEdit.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
      },
      { path: '/capture/house', name: 'm-capture-house', component: () => import('./views/capture/house.vue') },
      { path: '/capture/place', name: 'm-capture-place', component: () => import('./views/capture/place.vue') },
      {
        path: '/capture/inspection/:facilityId(\\d+)',
        name: 'm-capture-inspection',
        component: () => import('./views/capture/inspection.vue'),
        props: (r) => ({ facilityId: Number(r.params.facilityId) }),
      },
      { path: '/patrol', name: 'm-patrol', component: () => import('./views/patrol.vue') },
      { path: '/patrol/history', name: 'm-patrol-history', component: () => import('./views/patrolHistory.vue') },
      { path: '/today', name: 'm-today', component: () => import('./views/today.vue') },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })

  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    const { me } = useSession()
    if (!getToken()) return { name: 'm-login' }
    if (!me.value) await loadMe()
    if (!me.value) return { name: 'm-login' }
    if (me.value.password_change_required && to.name !== 'm-password') return { name: 'm-password' }
    // a terminal holder signs the confidentiality agreement before anything else
    if (!me.value.password_change_required && me.value.agreement_required && to.name !== 'm-agreement') return { name: 'm-agreement' }
    return true
  })

  return router
}
