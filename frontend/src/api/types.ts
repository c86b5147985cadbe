/**
 * API types. Every alias points at the OpenAPI schema generated from the back end
 * (`npm run gen:api` → schema.d.ts), so a changed field breaks the type check, not the user.
 * Pages and API modules import from this one file. Only the generic page wrapper is written
 * here by hand.
 */
import type { components, paths } from './schema'

type S = components['schemas']

/** The query parameters of a GET endpoint, as the schema declares them (list filters extend these). */
export type QueryOf<P extends keyof paths> = NonNullable<paths[P]['get'] extends { parameters: { query?: infer Q } } ? Q : never>

export type UnitLevel = S['Level']
export type UnitBrief = S['UnitBrief']
export type UnitOut = S['UnitOut']
export type UnitCreateIn = S['UnitCreateIn']
export type UnitRenameIn = S['UnitRenameIn']
export type UnitMoveIn = S['UnitMoveIn']
export type UnitStats = S['UnitStatsOut']
export type DivisionPlanOut = S['DivisionPlanOut']
export type DivisionChangeOut = S['DivisionChangeOut']

export type DepartmentOut = S['DepartmentOut']
export type DepartmentCreateIn = S['DepartmentIn']
export type IdName = S['DepartmentBrief']

export type RoleBrief = S['RoleBrief']
export type UserOut = S['UserOut']
export type UserCreateIn = S['UserCreateIn']
export type UserUpdateIn = S['UserUpdateIn']
export type GrantsIn = S['GrantsIn']
export type PhoneOut = S['PhoneOut']

export type Me = S['MeOut']

/** Every list endpoint answers `{items, count}` and takes `?limit=&offset=`. */
export interface Paged<T> {
  items: T[]
  count: number
}

export type LoginIn = S['LoginIn']
export type LoginClient = LoginIn['client']
export type LoginOut = S['LoginOut']
export type LoginStatus = LoginOut['status']
export type OtpVerifyIn = S['OtpVerifyIn']
export type OtpSetupOut = S['OtpSetupOut']
export type OtpStatus = S['OtpStatusOut']
export type PasswordChangeIn = S['PasswordChangeIn']

export type RoleOut = S['RoleOut']
export type RoleIn = S['RoleIn']
export type RoleUpdateIn = S['RoleUpdateIn']
export type CapabilityOut = S['CapabilityOut']

export type SessionOut = S['SessionOut']

export type DictTableOut = S['CodeTableOut']
export type DictItemOut = S['CodeItemOut']
export type DictItemCreateIn = S['CodeItemIn']
export type DictItemUpdateIn = S['CodeItemUpdateIn']

export type AuditLayer = S['Layer']
export type AuditOut = S['AuditOut']
/** Audit search; `unit` is a unit path (administrative code or a prefix of one). */
export type AuditFilter = S['AuditFilter']
export type AuditVerifyIn = S['AuditVerifyIn']
export type AuditVerifyOut = S['AuditVerifyOut']

export type SystemConfig = S['SystemConfigOut']

export type CalendarDay = S['CalendarDayOut']
export type CalendarDayIn = S['CalendarDayIn']
export type CalendarYear = S['CalendarYearOut']
export type CalendarYearStatus = S['CalendarYearStatusOut']
export type CalendarStatus = S['CalendarStatusOut']

/** GET /units/{id}/map: a GeoJSON FeatureCollection of the unit and the units below it. */
export type UnitFeatureProps = S['MapFeatureProperties']
export type GeoFeature = S['MapFeature']
export type FeatureCollection = S['MapOut']

export type CaseKind = S['Kind']
export type CaseStatus = S['Status']
export type CaseUrgency = S['Urgency']
export type CaseBox = S['CaseFilter']['box']
export type CaseFilter = S['CaseFilter']
export type CaseListItem = S['CaseListOut']
export type CaseOut = S['CaseOut']
export type CaseTimelineEntry = S['TimelineOut']
export type CaseCreateIn = S['CaseCreateIn']
export type CaseCreatedOut = S['CaseCreatedOut']
export type CaseCounts = S['CaseCountsOut']
export type CasePage = S['CasePageOut']
export type CaseActionIn = S['ActionIn']
export type CaseStats = S['MonthlyStatsOut']
export type CaseStatRow = S['StatRow']
export type DeadlineRule = S['DeadlineRuleOut']
export type DeadlineRuleIn = S['DeadlineRuleIn']
export type DeadlineMeasure = S['DeadlineRuleIn']['measure']
export type PartyIn = S['PartyIn']
export type AttachmentOut = S['AttachmentOut']

export type NotificationOut = S['NotificationOut']
export type NotificationPage = S['PagedNotificationOut']
export type UnreadOut = S['UnreadOut']

export type ResidentKind = S['ResidentIn']['kind']
export type ResidentIn = S['ResidentIn']
export type ResidentOut = S['ResidentOut']
export type WriteMode = ResidentOut['write_mode']
export type ResidentRow = S['ResidentRowOut']
export type ResidentPage = S['ResidentPageOut']
export type ResidentFilter = S['ResidentFilter']
export type ResidentHistoryEntry = S['HistoryOut']
/** One entry of a record's change log (residents, places). */
export type HistoryEntry = S['HistoryOut']
export type RevealField = S['RevealIn']['field']
export type RevealOut = S['RevealOut']

export type CategoryGroup = S['CategoryIn']['group']
export type CategoryIn = S['CategoryIn']
export type CategoryRow = S['CategoryRowOut']
export type CategoryOut = S['CategoryOut']
export type CategoryPage = S['CategoryPageOut']
export type CategorySpec = S['CategorySpecOut']
export type FieldSpec = S['FieldSpecOut']
export type TeamMember = S['TeamMember']
export type VisitIn = S['VisitIn']
export type VisitMethod = S['VisitIn']['method']
export type VisitOut = S['VisitOut']
export type VisitCreatedOut = S['VisitCreatedOut']
export type ServiceStats = S['ServiceStatsOut']
export type ServiceRow = S['ServiceRowOut']

export type ImportJob = S['ImportJobOut']
export type ImportMode = S['ImportJobOut']['mode']
export type ImportStatus = S['ImportJobOut']['status']
export type ImportPreview = S['ImportPreviewOut']
export type ImportColumn = S['ImportColumnOut']
export type ImportField = S['ImportFieldOut']
export type ImportConfirmIn = S['ImportConfirmIn']
export type ExportIn = S['ExportIn']
export type ExportKind = S['ExportIn']['kind']
export type ExportOut = S['ExportOut']
export type MissingListIn = S['MissingListIn']

export type PlaceKind = S['PlaceOut']['kind']
export type PlaceIn = S['PlaceIn']
export type PlaceCreateIn = S['PlaceCreateIn']
export type ResidentChangeIn = S['ResidentChangeIn']
export type IdLookupOut = S['IdLookupOut']
export type PlaceOut = S['PlaceOut']
export type PlacePage = S['PlacePageOut']
export type PlaceSpec = S['PlaceSpecOut']
export type PlaceQuery = S['PlaceQuery']
export type PlaceMap = S['PlaceMapOut']
export type PlacePoint = S['PlacePointOut']
export type PlaceGrid = S['GridOut']
export type InspectionIn = S['InspectionIn']
export type InspectionResult = S['InspectionIn']['result']
export type InspectionOut = S['InspectionOut']
export type InspectionMonth = S['InspectionMonthOut']
export type OccupantIn = S['OccupantIn']
export type OccupantOut = S['OccupantOut']
export type OccupantRelation = S['OccupantIn']['relation']
export type MemberIn = S['MemberIn']
export type MemberOut = S['MemberOut']
