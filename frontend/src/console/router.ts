import { createRouter, createWebHistory, type RouteLocationNormalized, type Router } from 'vue-router'
import { ApiError, isApiError } from '@/api/http'
import { authApi } from '@/api/auth'
import { CAP, hasAny } from '@/shared/capabilities'
import { useAuthStore } from './stores/auth'
import MainLayout from './layout/MainLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without logging in. */
    public?: boolean
    /** Any one of these capabilities opens the page. */
    capabilities?: readonly string[]
    /** Locale key of the page title. */
    title?: string
  }
}

export function createConsoleRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/'),
    routes: [
      { path: '/login', name: 'login', component: () => import('./views/login/index.vue'), meta: { public: true, title: 'login.title' } },
      {
        path: '/password',
        name: 'password',
        component: () => import('./views/password/index.vue'),
        meta: { title: 'password.title' },
      },
      {
        path: '/agreement',
        name: 'agreement',
        component: () => import('./views/agreement/index.vue'),
        meta: { title: 'terminals.agreement.gateTitle' },
      },
      // analysis: the print view of a monthly bulletin (outside the layout, like the ledgers')
      {
        path: '/assess/bulletins/:id(\\d+)/print',
        name: 'assess-bulletin-print',
        component: () => import('./views/assess/BulletinPrint.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { title: 'bulletins.title', capabilities: [CAP.recordsRead] },
      },
      {
        path: '/office/ledgers/print',
        name: 'office-ledgers-print',
        component: () => import('./views/office/ledgers/print.vue'),
        meta: { title: 'ledgers.printPage', capabilities: [CAP.recordsRead] },
      },
      // --- big screen: full screen, outside the main layout
      {
        path: '/screen',
        name: 'screen',
        component: () => import('./views/screen/index.vue'),
        meta: { title: 'screen.menu', capabilities: [CAP.recordsRead] },
      },
      // --- end big screen
      {
        path: '/',
        component: MainLayout,
        children: [
          { path: '', name: 'home', component: () => import('./views/home/index.vue'), meta: { title: 'menu.home' } },
          { path: 'units', name: 'units', component: () => import('./views/units/index.vue'), meta: { title: 'menu.units' } },
          {
            path: 'units/divisions',
            name: 'unitDivisions',
            component: () => import('./views/units/divisions.vue'),
            meta: { title: 'divisions.title', capabilities: [CAP.unitsManage] },
          },
          {
            path: 'system/users',
            name: 'users',
            component: () => import('./views/users/index.vue'),
            meta: { title: 'menu.users', capabilities: [CAP.usersManage, CAP.rolesAssign] },
          },
          {
            path: 'system/roles',
            name: 'roles',
            component: () => import('./views/roles/index.vue'),
            meta: { title: 'menu.roles', capabilities: [CAP.rolesManage] },
          },
          {
            path: 'system/sessions',
            name: 'sessions',
            component: () => import('./views/sessions/index.vue'),
            meta: { title: 'menu.sessions', capabilities: [CAP.sessionsManage] },
          },
          {
            path: 'system/dictionary',
            name: 'dictionary',
            component: () => import('./views/dictionary/index.vue'),
            meta: { title: 'menu.dictionary', capabilities: [CAP.dictionaryManage] },
          },
          {
            path: 'system/calendar',
            name: 'calendar',
            component: () => import('./views/calendar/index.vue'),
            meta: { title: 'menu.calendar', capabilities: [CAP.calendarManage] },
          },
          {
            path: 'cases',
            name: 'cases',
            component: () => import('./views/cases/index.vue'),
            meta: { title: 'cases.title', capabilities: [CAP.casesHandle, CAP.casesSupervise, CAP.recordsRead] },
          },
          {
            path: 'stats/cases',
            name: 'stats-cases',
            component: () => import('./views/stats/cases.vue'),
            meta: { title: 'statsPages.menu.cases' },
          },
          {
            path: 'stats/population',
            name: 'stats-population',
            component: () => import('./views/stats/population.vue'),
            meta: { title: 'statsPages.menu.population' },
          },
          {
            path: 'cases/stats',
            name: 'case-stats',
            component: () => import('./views/caseStats/index.vue'),
            meta: { title: 'menu.casesStats', capabilities: [CAP.casesHandle, CAP.casesSupervise, CAP.recordsRead] },
          },
          {
            path: 'office/disputes',
            name: 'office-disputes',
            component: () => import('./views/office/disputes/index.vue'),
            meta: { title: 'disputeReports.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/disputes/:id(\\d+)',
            name: 'office-dispute-detail',
            component: () => import('./views/office/disputes/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'disputeReports.detailTitle', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/risks',
            name: 'office-risks',
            component: () => import('./views/office/risks/index.vue'),
            meta: { title: 'riskAssessments.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/risks/:id(\\d+)',
            name: 'office-risk-detail',
            component: () => import('./views/office/risks/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'riskAssessments.detailTitle', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/activities',
            name: 'office-activities',
            component: () => import('./views/office/activities/index.vue'),
            meta: { title: 'activities.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'field/patrols',
            name: 'field-patrols',
            component: () => import('./views/office/patrols/index.vue'),
            meta: { title: 'patrols.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/profile',
            name: 'office-profile',
            component: () => import('./views/office/profile/index.vue'),
            meta: { title: 'unitProfile.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'alerts/zero',
            name: 'zero-reports',
            component: () => import('./views/alerts/zero/index.vue'),
            meta: { title: 'menu.zeroReports', capabilities: [CAP.alertsReport, CAP.alertsScreen, CAP.alertsWarn] },
          },
          {
            path: 'alerts/informants',
            name: 'informants',
            component: () => import('./views/alerts/informants/index.vue'),
            meta: { title: 'menu.informants', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'alerts/periods',
            name: 'sensitive-periods',
            component: () => import('./views/alerts/periods/index.vue'),
            meta: { title: 'menu.sensitivePeriods', capabilities: [CAP.alertsConfigure, CAP.alertsWarn, CAP.alertsReport] },
          },
          {
            path: 'alerts/duty',
            name: 'alerts-duty',
            component: () => import('./views/alerts/duty/index.vue'),
            meta: { title: 'duty.rosterTitle', capabilities: [CAP.alertsDuty, CAP.recordsRead] },
          },
          {
            path: 'office/meetings',
            name: 'office-meetings',
            component: () => import('./views/office/meetings/index.vue'),
            meta: { title: 'meetings.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/work-logs',
            name: 'office-work-logs',
            component: () => import('./views/office/workLogs/index.vue'),
            meta: { title: 'workLogs.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'alerts/stats',
            name: 'alerts-stats',
            component: () => import('./views/alerts/stats/index.vue'),
            meta: { title: 'alertsStats.title', capabilities: [CAP.recordsRead, CAP.alertsScreen] },
          },
          // --- office: ledgers, calendar, rules
          {
            path: 'office/ledgers',
            name: 'office-ledgers',
            component: () => import('./views/office/ledgers/index.vue'),
            meta: { title: 'ledgers.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/calendar',
            name: 'office-calendar',
            component: () => import('./views/office/calendar/index.vue'),
            meta: { title: 'officeCalendar.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'office/rules',
            name: 'office-rules',
            component: () => import('./views/office/rules/index.vue'),
            meta: { title: 'officeRules.title', capabilities: [CAP.officeConfigure] },
          },
          // --- end office: ledgers, calendar, rules
          // --- field: daily must-do
          {
            path: 'field/must-do',
            name: 'field-must-do',
            component: () => import('./views/field/mustDo/index.vue'),
            meta: { title: 'mustDo.board', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'field/must-do/rules',
            name: 'field-must-do-rules',
            component: () => import('./views/field/mustDoRules/index.vue'),
            meta: { title: 'mustDo.rulesTitle', capabilities: [CAP.fieldConfigure] },
          },
          // --- end field: daily must-do
          {
            path: 'system/templates',
            name: 'doc-templates',
            component: () => import('./views/templates/index.vue'),
            meta: { title: 'menu.docTemplates', capabilities: [CAP.alertsConfigure] },
          },
          {
            path: 'system/deadline-rules',
            name: 'deadline-rules',
            component: () => import('./views/deadlineRules/index.vue'),
            meta: { title: 'menu.deadlineRules', capabilities: [CAP.casesConfigure] },
          },
          {
            path: 'alerts/reports',
            name: 'info-reports',
            component: () => import('./views/alerts/reports/index.vue'),
            meta: { title: 'infoReports.title', capabilities: [CAP.alertsReport, CAP.alertsScreen] },
          },
          {
            path: 'alerts/reports/:id(\\d+)',
            name: 'info-report-detail',
            component: () => import('./views/alerts/reports/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'infoReports.detailTitle', capabilities: [CAP.alertsReport, CAP.alertsScreen] },
          },
          {
            path: 'alerts/report-lapses',
            name: 'info-report-lapses',
            component: () => import('./views/alerts/reports/lapses.vue'),
            meta: { title: 'infoReports.lapsesTitle', capabilities: [CAP.alertsScreen] },
          },
          {
            path: 'alerts/report-limits',
            name: 'info-report-limits',
            component: () => import('./views/alerts/reports/limits.vue'),
            meta: { title: 'infoReports.limitsTitle', capabilities: [CAP.alertsConfigure] },
          },
          {
            path: 'alerts/warnings',
            name: 'warnings',
            component: () => import('./views/alerts/warnings/index.vue'),
            meta: { title: 'warnings.title', capabilities: [CAP.alertsReport, CAP.alertsWarn] },
          },
          {
            path: 'alerts/warnings/settings',
            name: 'warning-settings',
            component: () => import('./views/alerts/warnings/settings.vue'),
            meta: { title: 'warnings.settingsTitle', capabilities: [CAP.alertsConfigure] },
          },
          {
            path: 'alerts/warnings/:id(\\d+)',
            name: 'warning-detail',
            component: () => import('./views/alerts/warnings/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'warnings.detailTitle', capabilities: [CAP.alertsReport, CAP.alertsWarn] },
          },
          {
            path: 'office/documents',
            name: 'office-documents',
            component: () => import('./views/office/documents/index.vue'),
            meta: { title: 'documents.title', capabilities: [CAP.recordsRead, CAP.officeWrite, CAP.officeSend] },
          },
          {
            path: 'office/documents/:id(\\d+)',
            name: 'office-document-detail',
            component: () => import('./views/office/documents/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'documents.detailTitle', capabilities: [CAP.recordsRead, CAP.officeWrite, CAP.officeSend] },
          },
          {
            path: 'cases/:id(\\d+)',
            name: 'case-detail',
            component: () => import('./views/cases/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'cases.detailTitle', capabilities: [CAP.casesHandle, CAP.casesSupervise, CAP.recordsRead] },
          },
          {
            path: 'people/residents',
            name: 'residents',
            component: () => import('./views/residents/index.vue'),
            meta: { title: 'residents.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'people/residents/:id(\\d+)',
            name: 'resident-detail',
            component: () => import('./views/residents/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'residents.detailTitle', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'people/key-persons',
            name: 'key-persons',
            component: () => import('./views/categories/index.vue'),
            props: { group: 'key' },
            meta: { title: 'menu.keyPersons', capabilities: [CAP.recordsSensitive] },
          },
          {
            path: 'people/care-persons',
            name: 'care-persons',
            component: () => import('./views/categories/index.vue'),
            props: { group: 'care' },
            meta: { title: 'menu.carePersons', capabilities: [CAP.recordsSensitive] },
          },
          {
            path: 'people/categories/:id(\\d+)',
            name: 'category-detail',
            component: () => import('./views/categories/detail.vue'),
            props: (r) => ({ id: Number(r.params.id) }),
            meta: { title: 'categories.detailTitle', capabilities: [CAP.recordsSensitive] },
          },
          {
            path: 'people/service-stats',
            name: 'service-stats',
            component: () => import('./views/categories/stats.vue'),
            meta: { title: 'menu.serviceStats', capabilities: [CAP.recordsSensitive] },
          },
          {
            path: 'people/imports',
            name: 'imports',
            component: () => import('./views/imports/index.vue'),
            meta: { title: 'menu.imports', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'people/exports',
            name: 'exports',
            component: () => import('./views/exports/index.vue'),
            meta: { title: 'menu.exports', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'places/organisations',
            name: 'organisations',
            component: () => import('./views/places/index.vue'),
            props: { kind: 'organisations' },
            meta: { title: 'menu.orgs', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'places/:kind(compounds|houses|key-places|facilities)',
            name: 'places',
            component: () => import('./views/places/index.vue'),
            props: (r) => ({ kind: r.params.kind }),
            meta: { title: 'menu.places', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'places/:kind(compounds|houses|key-places|facilities|organisations)/:id(\\d+)',
            name: 'place-detail',
            component: () => import('./views/places/detail.vue'),
            props: (r) => ({ kind: r.params.kind, id: Number(r.params.id) }),
            meta: { title: 'places.detailTitle', capabilities: [CAP.recordsRead] },
          },
          // analysis: the monthly bulletins
          {
            path: 'assess/bulletins',
            name: 'assess-bulletins',
            component: () => import('./views/assess/Bulletins.vue'),
            meta: { title: 'bulletins.title', capabilities: [CAP.recordsRead] },
          },
          // analysis: the monthly analysis report
          {
            path: 'stats/analysis',
            name: 'stats-analysis',
            component: () => import('./views/stats/AnalysisReport.vue'),
            meta: { title: 'analysis.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'audit',
            name: 'audit',
            component: () => import('./views/audit/index.vue'),
            meta: { title: 'menu.audit', capabilities: [CAP.auditRead] },
          },
          {
            path: 'field/duty',
            name: 'field-duty',
            component: () => import('./views/field/duty/index.vue'),
            meta: { title: 'onDuty.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'field/terminals',
            name: 'field-terminals',
            component: () => import('./views/field/terminals/index.vue'),
            meta: { title: 'terminals.title', capabilities: [CAP.terminalsManage, CAP.recordsRead] },
          },
          {
            path: 'field/agreement',
            name: 'field-agreement',
            component: () => import('./views/field/agreement/index.vue'),
            meta: { title: 'terminals.agreement.title', capabilities: [CAP.fieldConfigure] },
          },
          // --- assess
          {
            path: 'assess/logins',
            name: 'assess-lights',
            component: () => import('./views/assess/lights/index.vue'),
            meta: { title: 'assess.lights.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'assess/scores',
            name: 'assess-scores',
            component: () => import('./views/assess/scores/index.vue'),
            meta: { title: 'assess.scores.title', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'assess/scores/:unitId(\\d+)',
            name: 'assess-sheet',
            component: () => import('./views/assess/scores/sheet.vue'),
            props: (r) => ({ unitId: Number(r.params.unitId) }),
            meta: { title: 'assess.scores.sheet', capabilities: [CAP.recordsRead] },
          },
          {
            path: 'assess/hand',
            name: 'assess-hand',
            component: () => import('./views/assess/hand/index.vue'),
            meta: { title: 'assess.hand.title', capabilities: [CAP.assessScore] },
          },
          {
            path: 'assess/rubrics',
            name: 'assess-rubrics',
            component: () => import('./views/assess/rubrics/index.vue'),
            meta: { title: 'assess.rubrics.title', capabilities: [CAP.assessConfigure, CAP.assessScore] },
          },
          // --- end assess
          { path: 'account/profile', name: 'profile', component: () => import('./views/account/profile.vue'), meta: { title: 'menu.profile' } },
          { path: 'account/otp', name: 'otp', component: () => import('./views/account/otp.vue'), meta: { title: 'menu.otp' } },
          { path: 'forbidden', name: 'forbidden', component: () => import('./views/errors/index.vue'), props: { kind: 'forbidden' }, meta: { title: 'errors.page.forbiddenTitle' } },
          { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/errors/index.vue'), props: { kind: 'notFound' }, meta: { title: 'errors.page.notFoundTitle' } },
        ],
      },
    ],
  })

  router.beforeEach(async (to: RouteLocationNormalized) => {
    const auth = useAuthStore()
    if (to.meta.public) return true
    if (!auth.checked || !auth.me) {
      try {
        await auth.fetchMe()
      } catch (e) {
        if (isApiError(e) && e.code === 'password_change_required') {
          return to.name === 'password' ? true : { name: 'password' }
        }
      }
    }
    if (!auth.me) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (auth.passwordChangeRequired && to.name !== 'password') return { name: 'password' }
    // a terminal holder signs the confidentiality agreement before anything else
    if (!auth.passwordChangeRequired && auth.agreementRequired && to.name !== 'agreement') {
      return { name: 'agreement', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (!hasAny(auth.capabilities, to.meta.capabilities)) {
      // told to the server, which writes the refused attempt to the audit log
      void authApi.denied(to.fullPath).catch(() => undefined)
      return { name: 'forbidden', query: { from: to.fullPath } }
    }
    return true
  })

  return router
}

export { ApiError }
