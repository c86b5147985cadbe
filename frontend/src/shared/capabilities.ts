/** Capability codes the front end checks (the server decides; the UI only hides what would fail). */
export const CAP = {
  unitsManage: 'units.manage',
  usersManage: 'users.manage',
  rolesManage: 'roles.manage',
  rolesAssign: 'roles.assign',
  sessionsManage: 'sessions.manage',
  dictionaryManage: 'dictionary.manage',
  calendarManage: 'calendar.manage',
  auditRead: 'audit.read',
  auditExport: 'audit.export',
  recordsRead: 'records.read',
  recordsWrite: 'records.write',
  casesReport: 'cases.report',
  casesHandle: 'cases.handle',
  casesSupervise: 'cases.supervise',
  casesConfigure: 'cases.configure',
  piiUnmask: 'pii.unmask',
  recordsSensitive: 'records.sensitive',
  registryCorrect: 'registry.correct',
  alertsReport: 'alerts.report',
  alertsScreen: 'alerts.screen',
  alertsWarn: 'alerts.warn',
  alertsSecret: 'alerts.secret',
  alertsDuty: 'alerts.duty',
  alertsNetwork: 'alerts.network',
  alertsConfigure: 'alerts.configure',
  officeWrite: 'office.write',
  officeSend: 'office.send',
  officeConfigure: 'office.configure',
  officePatrol: 'office.patrol',
  terminalsManage: 'terminals.manage',
  fieldConfigure: 'field.configure',
  assessScore: 'assess.score',
  assessConfigure: 'assess.configure',
} as const

export type Capability = (typeof CAP)[keyof typeof CAP]

/** True when `requires` is empty or any one of its capabilities is held. */
export function hasAny(held: readonly string[], requires: readonly string[] | undefined): boolean {
  if (!requires || requires.length === 0) return true
  return requires.some((c) => held.includes(c))
}
