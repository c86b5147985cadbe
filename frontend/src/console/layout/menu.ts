/**
 * The console's sidebar: every area of the design, in the users' order. Areas not built yet are
 * listed as `soon` (shown disabled with a tag, never routed). An item is shown only when the user
 * holds one of its capabilities; a group is shown when any of its children is.
 */
import { markRaw, type Component } from 'vue'
import {
  Bell,
  Briefcase,
  Iphone,
  DataAnalysis,
  Document,
  HomeFilled,
  MapLocation,
  OfficeBuilding,
  Connection,
  Setting,
  Tickets,
  TrendCharts,
  User,
  Warning,
  Histogram,
} from '@element-plus/icons-vue'
import { CAP, hasAny } from '@/shared/capabilities'

export interface MenuItem {
  key: string
  /** Key under `menu.` in the locale file. */
  label: string
  /** The full locale key instead (areas whose texts live in their own locale section). */
  labelKey?: string
  path?: string
  icon?: Component
  /** Any one of these capabilities shows the item; none means every logged-in user. */
  capabilities?: readonly string[]
  soon?: boolean
  children?: MenuItem[]
}

const icon = (c: Component): Component => markRaw(c)

/** Who works with cases: handlers, supervisors, and readers of the records. */
const CASE_CAPS = [CAP.casesHandle, CAP.casesSupervise, CAP.recordsRead] as const

export const MENU: readonly MenuItem[] = [
  { key: 'home', label: 'home', path: '/', icon: icon(HomeFilled) },
  { key: 'units', label: 'units', path: '/units', icon: icon(MapLocation) },
  {
    key: 'people',
    label: 'people',
    icon: icon(User),
    children: [
      { key: 'residents', label: 'residents', path: '/people/residents', capabilities: [CAP.recordsRead] },
      { key: 'keyPersons', label: 'keyPersons', path: '/people/key-persons', capabilities: [CAP.recordsSensitive] },
      { key: 'carePersons', label: 'carePersons', path: '/people/care-persons', capabilities: [CAP.recordsSensitive] },
      { key: 'serviceStats', label: 'serviceStats', path: '/people/service-stats', capabilities: [CAP.recordsSensitive] },
      { key: 'imports', label: 'imports', path: '/people/imports', capabilities: [CAP.recordsRead] },
      { key: 'exports', label: 'exports', path: '/people/exports', capabilities: [CAP.recordsRead] },
    ],
  },
  {
    key: 'places',
    label: 'places',
    icon: icon(OfficeBuilding),
    children: [
      { key: 'compounds', label: 'compounds', path: '/places/compounds', capabilities: [CAP.recordsRead] },
      { key: 'houses', label: 'houses', path: '/places/houses', capabilities: [CAP.recordsRead] },
      { key: 'keyPlaces', label: 'keyPlaces', path: '/places/key-places', capabilities: [CAP.recordsRead] },
      { key: 'facilities', label: 'facilities', path: '/places/facilities', capabilities: [CAP.recordsRead] },
    ],
  },
  {
    key: 'orgs',
    label: 'orgs',
    icon: icon(Connection),
    children: [{ key: 'organisations', label: 'organisations', path: '/places/organisations', capabilities: [CAP.recordsRead] }],
  },
  {
    key: 'cases',
    label: 'cases',
    icon: icon(Tickets),
    children: [
      { key: 'casesTodo', label: 'casesTodo', path: '/cases?box=todo', capabilities: CASE_CAPS },
      { key: 'casesSupervised', label: 'casesSupervised', path: '/cases?box=supervised', capabilities: CASE_CAPS },
      { key: 'casesOverdue', label: 'casesOverdue', path: '/cases?box=overdue', capabilities: CASE_CAPS },
      { key: 'casesAll', label: 'casesAll', path: '/cases?box=all', capabilities: CASE_CAPS },
      { key: 'casesStats', label: 'casesStats', path: '/cases/stats', capabilities: CASE_CAPS },
    ],
  },
  {
    key: 'alerts',
    label: 'alerts',
    icon: icon(Warning),
    children: [
      {
        key: 'infoReports',
        label: 'infoReports',
        labelKey: 'alerts.menu.reports',
        path: '/alerts/reports',
        capabilities: [CAP.alertsReport, CAP.alertsScreen],
      },
      { key: 'warnings', label: 'warnings', path: '/alerts/warnings', capabilities: [CAP.alertsReport, CAP.alertsWarn] },
      { key: 'zeroReports', label: 'zeroReports', path: '/alerts/zero', capabilities: [CAP.alertsReport, CAP.alertsScreen, CAP.alertsWarn] },
      { key: 'dutyRoster', label: 'dutyRoster', path: '/alerts/duty', capabilities: [CAP.alertsDuty, CAP.recordsRead] },
      { key: 'informants', label: 'informants', path: '/alerts/informants', capabilities: [CAP.recordsRead] },
      { key: 'alertsStats', label: 'alertsStats', path: '/alerts/stats', capabilities: [CAP.recordsRead, CAP.alertsScreen] },
      { key: 'sensitivePeriods', label: 'sensitivePeriods', path: '/alerts/periods', capabilities: [CAP.alertsConfigure, CAP.alertsWarn] },
      {
        key: 'infoReportLapses',
        label: 'infoReportLapses',
        labelKey: 'alerts.menu.lapses',
        path: '/alerts/report-lapses',
        capabilities: [CAP.alertsScreen],
      },
      {
        key: 'infoReportLimits',
        label: 'infoReportLimits',
        labelKey: 'alerts.menu.limits',
        path: '/alerts/report-limits',
        capabilities: [CAP.alertsConfigure],
      },
      { key: 'warningSettings', label: 'warningSettings', path: '/alerts/warnings/settings', capabilities: [CAP.alertsConfigure] },
    ],
  },
  {
    key: 'office',
    label: 'office',
    icon: icon(Briefcase),
    children: [
      { key: 'officeCalendar', label: 'officeCalendar', path: '/office/calendar', capabilities: [CAP.recordsRead] },
      { key: 'meetings', label: 'meetings', path: '/office/meetings', capabilities: [CAP.recordsRead] },
      { key: 'documents', label: 'documents', path: '/office/documents', capabilities: [CAP.recordsRead, CAP.officeWrite, CAP.officeSend] },
      { key: 'activities', label: 'activities', path: '/office/activities', capabilities: [CAP.recordsRead] },
      { key: 'workLogs', label: 'workLogs', path: '/office/work-logs', capabilities: [CAP.recordsRead] },
      { key: 'disputeReports', label: 'disputeReports', path: '/office/disputes', capabilities: [CAP.recordsRead] },
      { key: 'riskAssessments', label: 'riskAssessments', path: '/office/risks', capabilities: [CAP.recordsRead] },
      { key: 'unitProfile', label: 'unitProfile', path: '/office/profile', capabilities: [CAP.recordsRead] },
      { key: 'ledgers', label: 'ledgers', path: '/office/ledgers', capabilities: [CAP.recordsRead] },
      { key: 'officeRules', label: 'officeRules', path: '/office/rules', capabilities: [CAP.officeConfigure] },
    ],
  },
  {
    key: 'field',
    label: 'field',
    icon: icon(Iphone),
    children: [
      { key: 'mustDo', label: 'mustDo', path: '/field/must-do', capabilities: [CAP.recordsRead] },
      { key: 'patrols', label: 'patrols', path: '/field/patrols', capabilities: [CAP.recordsRead] },
      { key: 'onDuty', label: 'onDuty', path: '/field/duty', capabilities: [CAP.recordsRead] },
      { key: 'terminals', label: 'terminals', path: '/field/terminals', capabilities: [CAP.terminalsManage, CAP.recordsRead] },
      { key: 'agreement', label: 'agreement', path: '/field/agreement', capabilities: [CAP.fieldConfigure] },
      { key: 'mustDoRules', label: 'mustDoRules', path: '/field/must-do/rules', capabilities: [CAP.fieldConfigure] },
    ],
  },
  {
    key: 'assess',
    label: 'assess',
    icon: icon(TrendCharts),
    children: [
      { key: 'assessLights', label: 'assessLights', labelKey: 'assess.menu.lights', path: '/assess/logins', capabilities: [CAP.recordsRead] },
      { key: 'assessScores', label: 'assessScores', labelKey: 'assess.menu.scores', path: '/assess/scores', capabilities: [CAP.recordsRead] },
      { key: 'assessHand', label: 'assessHand', labelKey: 'assess.menu.hand', path: '/assess/hand', capabilities: [CAP.assessScore] },
      {
        key: 'assessRubrics',
        label: 'assessRubrics',
        labelKey: 'assess.menu.rubrics',
        path: '/assess/rubrics',
        capabilities: [CAP.assessConfigure, CAP.assessScore],
      },
      // analysis: the monthly bulletin
      { key: 'assessBulletins', label: 'assessBulletins', labelKey: 'bulletins.menu', path: '/assess/bulletins', capabilities: [CAP.recordsRead] },
    ],
  },
  {
    key: 'stats',
    label: 'stats',
    icon: icon(DataAnalysis),
    children: [
      { key: 'statsCases', label: 'statsCases', labelKey: 'statsPages.menu.cases', path: '/stats/cases', capabilities: [CAP.recordsRead] },
      {
        key: 'statsPopulation',
        label: 'statsPopulation',
        labelKey: 'statsPages.menu.population',
        path: '/stats/population',
        capabilities: [CAP.recordsRead],
      },
      {
        key: 'analysis',
        label: 'analysis',
        labelKey: 'analysis.menu',
        path: '/stats/analysis',
        capabilities: [CAP.recordsRead],
      },
      // --- big screen
      { key: 'screen', label: 'screen', labelKey: 'screen.menu', path: '/screen', capabilities: [CAP.recordsRead] },
      // --- end big screen
    ],
  },
  { key: 'exchange', label: 'exchange', icon: icon(Histogram), capabilities: [CAP.recordsRead], soon: true },
  {
    key: 'system',
    label: 'system',
    icon: icon(Setting),
    children: [
      { key: 'users', label: 'users', path: '/system/users', capabilities: [CAP.usersManage, CAP.rolesAssign] },
      { key: 'roles', label: 'roles', path: '/system/roles', capabilities: [CAP.rolesManage] },
      { key: 'sessions', label: 'sessions', path: '/system/sessions', capabilities: [CAP.sessionsManage] },
      { key: 'dictionary', label: 'dictionary', path: '/system/dictionary', capabilities: [CAP.dictionaryManage] },
      { key: 'calendar', label: 'calendar', path: '/system/calendar', capabilities: [CAP.calendarManage] },
      { key: 'deadlineRules', label: 'deadlineRules', path: '/system/deadline-rules', capabilities: [CAP.casesConfigure] },
      { key: 'docTemplates', label: 'docTemplates', path: '/system/templates', capabilities: [CAP.alertsConfigure] },
    ],
  },
  { key: 'audit', label: 'audit', path: '/audit', icon: icon(Document), capabilities: [CAP.auditRead] },
]

/** The locale key of an item's label. */
export function menuLabelKey(item: MenuItem): string {
  return item.labelKey ?? `menu.${item.label}`
}

/** The menu as one user sees it. */
export function filterMenu(items: readonly MenuItem[], capabilities: readonly string[]): MenuItem[] {
  const out: MenuItem[] = []
  for (const item of items) {
    if (!hasAny(capabilities, item.capabilities)) continue
    if (item.children) {
      const children = filterMenu(item.children, capabilities)
      if (children.length === 0) continue
      out.push({ ...item, children })
    } else {
      out.push(item)
    }
  }
  return out
}

/** Notification bell icon for the header, exported so the layout keeps one icon import place. */
export const BellIcon = markRaw(Bell)
