"""Zero reports (零报告), sensitive periods (敏感期) and the informant network (信息员网络).

Plain functions taking the acting user; API handlers validate, call these and serialize.

Periods. Every unit, and every informant with a phone account, owes one report per period:
the calendar month normally, the day on every day that lies in an active (not cancelled)
sensitive period whose unit's subtree holds theirs. The period is computed from dates alone
(`current_period`), so a sensitive period switches reports to daily on its first day with no job.
Inside a sensitive period the month's own report is still owed (`file_zero_report` with
kind="monthly"), so the days around the period stay covered.

A period counts as reported when the unit filed a zero report for it, or an information report
(`InformationReport.reporter_unit`, created within the period): completeness reads both.

For the statistics part: `unit_month_completeness(unit, month)` gives, per unit and month,
whether the monthly report was made and how many days of sensitive periods were owed and
reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core import clientids, crypto
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, InvalidInput, NotFound, check_all, required_text
from zongzhi.core.fields import limit_of
from zongzhi.core.masking import mask_value
from zongzhi.core.months import month_of
from zongzhi.core.scope import path_within, require_capture, subtree_q
from zongzhi.dictionary.services import labels, require_active_code
from zongzhi.notify.services import notify_users
from zongzhi.people.models import Resident
from zongzhi.people.services import reveal_sealed
from zongzhi.units.models import Level, Role, Unit, User
from zongzhi.units.services import PHONE_RE, USERNAME_RE

from .models import (
    CentralHouseholdQuota,
    GroupSms,
    GroupSmsRecipient,
    Informant,
    InformationReport,
    PeriodKind,
    SensitivePeriod,
    ZeroReminder,
    ZeroReport,
)

INFORMANT_ROLE = "informant"  # the built-in phone role (migration 0002)
GRID_WORKER_ROLE = "grid_worker"
# A grid worker's one tap files for each grid of their capture scope besides their unit: the
# first report filed gets the tap's client id, each further one an id made from it (uuid5 with
# the unit), so a resend finds them all.
GRID_CLIENT_NS = uuid.UUID("5b0f3c1e-2a53-4f4e-9a55-0c6f1e1f7a21")
CENTRAL_HOUSEHOLD = "02"  # code table informant_role: 中心户长
ZERO_LINK = "/alerts/zero"
REMIND_SMS = "您单位本期零报告尚未报送，请登录综治信息系统报送"


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # PeriodKind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.DAILY:
            return f"{self.start:%Y年%m月%d日}"
        return f"{self.start:%Y年%m月}"


def month_period(day: dt.date) -> Period:
    start = month_of(day)
    return Period(PeriodKind.MONTHLY, start, day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def day_period(day: dt.date) -> Period:
    return Period(PeriodKind.DAILY, day, day)


def active_periods(unit: Unit | str, day: dt.date | None = None) -> list[SensitivePeriod]:
    """The sensitive periods (not cancelled) covering `unit` (or a path) on `day` (today): those
    whose scope unit's subtree holds it. The duty part reads this too."""
    path = unit if isinstance(unit, str) else unit.path
    day = day or timezone.localdate()
    prefixes = [path[:n] for n in range(2, len(path) + 1)]
    return list(
        SensitivePeriod.objects.filter(
            is_cancelled=False, starts_on__lte=day, ends_on__gte=day, path__in=prefixes
        ).select_related("unit")
    )


def current_period(unit: Unit | str, day: dt.date | None = None) -> Period:
    """The period a unit (or an informant of it) reports for on `day`: the day inside an active
    sensitive period, else the month."""
    day = day or timezone.localdate()
    return day_period(day) if active_periods(unit, day) else month_period(day)


def period_for(kind: str, start: dt.date) -> Period:
    return day_period(start) if kind == PeriodKind.DAILY else month_period(start)


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    return low, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


# --- filing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reporter:
    """Who owes the acting user's reports: their unit, or (an informant's account) the informant."""

    unit: Unit
    informant: Informant | None


def reporter_of(user: User) -> Reporter:
    informant = Informant.objects.filter(user=user, is_retired=False).select_related("unit").first()
    if informant is not None:
        return Reporter(informant.unit, informant)
    if user.unit is None:
        raise Forbidden("您的账号没有所属单位，无法报送零报告", code="no_unit")
    return Reporter(user.unit, None)


def reporting_units(user: User, reporter: Reporter) -> list[Reporter]:
    """Whom the acting user's one tap files for: their unit (or, an informant's account, the
    informant), and for a grid worker also each grid of their capture scope (not retired): a
    grid that is nobody's home grid is reported by the workers who cover it."""
    out = [reporter]
    if reporter.informant is not None or not any(r.code == GRID_WORKER_ROLE for r in user.roles.all()):
        return out
    grids = user.capture_scope.filter(level=Level.GRID, is_retired=False).exclude(pk=reporter.unit.pk)
    return out + [Reporter(g, None) for g in grids.order_by("path")]


def grid_client_id(client_id: uuid.UUID, unit: Unit) -> uuid.UUID:
    return uuid.uuid5(GRID_CLIENT_NS, f"{client_id}:{unit.pk}")


def _own_reports(reporter: Reporter) -> QuerySet[ZeroReport]:
    if reporter.informant is not None:
        return ZeroReport.objects.filter(informant=reporter.informant)
    return ZeroReport.objects.filter(unit=reporter.unit, informant__isnull=True)


def info_report_in(reporter: Reporter, period: Period) -> InformationReport | None:
    """An information report that makes the period count as reported."""
    low, high = _bounds(period)
    qs = InformationReport.objects.filter(created_at__gte=low, created_at__lt=high)
    if reporter.informant is not None:
        qs = qs.filter(informant=reporter.informant)
    else:
        qs = qs.filter(reporter_unit=reporter.unit)
    return qs.order_by("created_at").first()


def current_status(user: User, day: dt.date | None = None) -> dict[str, Any]:
    """The acting user's current period and the month's, each with what was reported."""
    require_cap(user, "alerts.report")
    reporter = reporter_of(user)
    day = day or timezone.localdate()
    periods = active_periods(reporter.unit, day)
    current = day_period(day) if periods else month_period(day)
    result: dict[str, Any] = {
        "unit": reporter.unit,
        "informant": reporter.informant,
        "sensitive": periods,
        "current": _status(reporter, current),
        "month": _status(reporter, month_period(day)) if periods else None,
        "units": [],
    }
    for other in reporting_units(user, reporter):
        other_periods = periods if other is reporter else active_periods(other.unit, day)
        result["units"].append(
            {
                "unit": other.unit,
                "current": _status(other, day_period(day) if other_periods else month_period(day)),
                "month": _status(other, month_period(day)) if other_periods else None,
            }
        )
    return result


def _status(reporter: Reporter, period: Period) -> dict[str, Any]:
    zero = _own_reports(reporter).filter(period_kind=period.kind, period_start=period.start).first()
    info = None if zero else info_report_in(reporter, period)
    return {"period": period, "zero": zero, "info": info}


@dataclass
class Filed:
    """What one tap did, unit by unit (`reporting_units` order): `status` "filed" (now), "zero"
    (a zero report was already there) or "info" (an information report made the period count)."""

    unit: Unit
    period: Period
    status: str
    report: ZeroReport | None


@dataclass
class FileResult:
    report: ZeroReport  # the first report this tap filed (the acting user's unit's, when it owed)
    units: list[Filed]


@transaction.atomic
def file_zero_report(
    *,
    acting_user: User,
    kind: str | None = None,
    note: str = "",
    client_id: uuid.UUID | None = None,
    period_start: dt.date | None = None,
) -> FileResult:
    """本期无情况: one zero report for the current period (or, with kind="monthly", the current
    month inside a sensitive period) for each unit the acting user reports for
    (`reporting_units`: their unit or informant, and a grid worker's grids) that still owes it;
    a unit already reported (a zero report, or an information report in the period) is left
    alone and said so; none owing: 409. Sent again with the same `client_id` (the phone's
    offline queue), it returns what the first send filed and files nothing; with
    `period_start` (the period the user saw) it is refused once that period has ended."""
    require_cap(acting_user, "alerts.report")
    if kind not in (None, "", PeriodKind.DAILY, PeriodKind.MONTHLY):
        raise InvalidInput.field("kind", "周期只能是日报或月报", code="invalid_input")
    reporter = reporter_of(acting_user)
    reporters = reporting_units(acting_user, reporter)
    if client_id is not None:
        again = _resent(acting_user, reporters, client_id)
        if again is not None:
            return again
    today = timezone.localdate()
    if kind == PeriodKind.MONTHLY:
        period = month_period(today)
    else:
        period = current_period(reporter.unit, today)
        if kind == PeriodKind.DAILY and period.kind != PeriodKind.DAILY:
            raise InvalidInput.field("kind", "今天不在敏感期内，零报告按月报送", code="not_sensitive_day")
    if period_start is not None and period_start != period.start:
        # Tapped offline in a period that has ended since: not filed for another one.
        raise Conflict(f"报告期已变为{period.label}，请重新确认后报送", code="period_changed")
    if len(reporters) == 1:  # the unit's (or informant's) own report: refused when it has one
        report = record_zero_report(reporter, period, reported_by=acting_user, note=note, client_id=client_id)
        return FileResult(report, [Filed(reporter.unit, period, "filed", report)])
    units: list[Filed] = []
    for other in reporters:
        # each grid's own period (the same as the worker's unless a sensitive period covers only it)
        mine = period if other is reporter or kind == PeriodKind.MONTHLY else current_period(other.unit, today)
        zero = _own_reports(other).filter(period_kind=mine.kind, period_start=mine.start).first()
        if zero is not None:
            units.append(Filed(other.unit, mine, "zero", zero))
            continue
        if info_report_in(other, mine) is not None:
            units.append(Filed(other.unit, mine, "info", None))
            continue
        # the first report filed holds the tap's own id (so another user sending it is refused),
        # each further grid's one made from it
        filed_any = any(f.status == "filed" for f in units)
        cid = None if client_id is None else (grid_client_id(client_id, other.unit) if filed_any else client_id)
        try:
            report = record_zero_report(other, mine, reported_by=acting_user, note=note, client_id=cid)
        except Conflict:  # filed by another worker of the grid at the same moment
            units.append(
                Filed(
                    other.unit,
                    mine,
                    "zero",
                    _own_reports(other).filter(period_kind=mine.kind, period_start=mine.start).first(),
                )
            )
            continue
        units.append(Filed(other.unit, mine, "filed", report))
    first = next((f.report for f in units if f.status == "filed" and f.report is not None), None)
    if first is None:
        raise Conflict(f"{period.label}的零报告已经报送过了", code="zero_report_exists")
    return FileResult(first, units)


def _resent(user: User, reporters: list[Reporter], client_id: uuid.UUID) -> FileResult | None:
    """What an earlier send of this tap filed (its own id on the first report, one made from it
    on each further), or None when the id is new; an id of another user's report: 409."""
    ids = [client_id] + [grid_client_id(client_id, r.unit) for r in reporters]
    found = {z.client_id: z for z in ZeroReport.objects.filter(client_id__in=ids).select_related("unit", "reported_by")}
    if not found:
        return None
    if any(z.reported_by_id != user.pk for z in found.values()):
        raise clientids.taken()
    units = [Filed(z.unit, period_for(z.period_kind, z.period_start), "filed", z) for i in ids if (z := found.get(i))]
    return FileResult(units[0].report or next(iter(found.values())), units)


def record_zero_report(
    reporter: Reporter, period: Period, *, reported_by: User, note: str = "", client_id: uuid.UUID | None = None
) -> ZeroReport:
    """Write one zero report (the caller checked who may); refused if the period has one."""
    note = (note or "").strip()
    if len(note) > limit_of(ZeroReport, "note"):
        raise InvalidInput.field("note", f"备注不能超过{limit_of(ZeroReport, 'note')}个字", code="too_long")
    # One per period: the unit's (or informant's) row is locked by the unique constraint; the
    # check first gives the clear message, the constraint guards two taps at the same moment.
    if _own_reports(reporter).filter(period_kind=period.kind, period_start=period.start).exists():
        raise Conflict(f"{period.label}的零报告已经报送过了", code="zero_report_exists")
    report = ZeroReport(
        path=reporter.unit.path,
        unit=reporter.unit,
        informant=reporter.informant,
        period_kind=period.kind,
        period_start=period.start,
        note=note,
        reported_by=reported_by,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise Conflict(f"{period.label}的零报告已经报送过了", code="zero_report_exists") from exc
    record_event("zero.reported", obj=report, detail={"kind": period.kind, "start": period.start.isoformat()})
    return report


def history(user: User, limit: int = 60) -> list[ZeroReport]:
    """The reports of the units the user reports for (a grid worker's: each of their grids')."""
    require_cap(user, "alerts.report")
    reporters = reporting_units(user, reporter_of(user))
    if len(reporters) == 1:
        qs = _own_reports(reporters[0])
    else:
        qs = ZeroReport.objects.filter(unit__in=[r.unit for r in reporters], informant__isnull=True)
    return list(qs.select_related("reported_by", "unit")[:limit])


# --- completeness ---------------------------------------------------------------------------


def _owes(path: str, period: Period, sensitive: list[SensitivePeriod]) -> bool:
    """Whether a unit at `path` owes a report for `period` (a day only inside a sensitive period)."""
    if period.kind == PeriodKind.MONTHLY:
        return True
    return any(path.startswith(p.path) and p.starts_on <= period.start <= p.ends_on for p in sensitive)


def _sensitive_between(low: dt.date, high: dt.date) -> list[SensitivePeriod]:
    return list(SensitivePeriod.objects.filter(is_cancelled=False, starts_on__lte=high, ends_on__gte=low))


def completeness(user: User, root: Unit, period: Period) -> dict[str, Any]:
    """For the unit above: each child unit (not retired) and each registered informant under
    `root`, whether and how they reported for `period`, with the counts."""
    if not (user.has_cap("alerts.screen") or user.has_cap("alerts.warn")):
        require_cap(user, "alerts.screen", "没有查看零报告报送情况的权限", root)
    sensitive = _sensitive_between(period.start, period.end)
    children = list(Unit.objects.filter(parent=root, is_retired=False).order_by("sort", "path"))
    informants = list(
        Informant.objects.filter(subtree_q([root.path]), is_retired=False, user__isnull=False)
        .select_related("unit")
        .order_by("path", "id")
    )
    zeros = ZeroReport.objects.filter(period_kind=period.kind, period_start=period.start).select_related("reported_by")
    by_unit = {z.unit_id: z for z in zeros.filter(unit__in=children, informant__isnull=True)}
    by_informant = {z.informant_id: z for z in zeros.filter(informant__in=informants)}
    low, high = _bounds(period)
    infos = InformationReport.objects.filter(created_at__gte=low, created_at__lt=high).order_by("created_at")
    info_by_unit: dict[int, InformationReport] = {}
    for info in infos.filter(reporter_unit__in=children).select_related("reporter_user"):
        info_by_unit.setdefault(info.reporter_unit_id, info)
    info_by_informant: dict[int, InformationReport] = {}
    for info in infos.filter(informant__in=informants).select_related("reporter_user"):
        if info.informant_id is not None:
            info_by_informant.setdefault(info.informant_id, info)

    rows: list[dict[str, Any]] = []
    for unit in children:
        rows.append(
            _row(unit, None, _owes(unit.path, period, sensitive), by_unit.get(unit.pk), info_by_unit.get(unit.pk))
        )
    for inf in informants:
        rows.append(
            _row(
                inf.unit,
                inf,
                _owes(inf.path, period, sensitive),
                by_informant.get(inf.pk),
                info_by_informant.get(inf.pk),
            )
        )
    counts = {
        "owed": sum(r["owed"] for r in rows),
        "zero": sum(r["status"] == "zero" for r in rows),
        "info": sum(r["status"] == "info" for r in rows),
        "missing": sum(r["status"] == "missing" for r in rows),
    }
    last = ZeroReminder.objects.filter(sender_unit=root, period_kind=period.kind, period_start=period.start).first()
    return {"unit": root, "period": period, "rows": rows, "counts": counts, "last_reminder": last}


def _row(
    unit: Unit, informant: Informant | None, owed: bool, zero: ZeroReport | None, info: InformationReport | None
) -> dict[str, Any]:
    if zero is not None:
        status, by, at = "zero", zero.reported_by.full_name, zero.reported_at
    elif info is not None:
        status, by, at = "info", info.reporter_user.full_name if info.reporter_user else "", info.created_at
    else:
        status, by, at = ("missing" if owed else "not_owed"), "", None
    return {
        "unit": unit,
        "informant": informant,
        "owed": owed,
        "status": status,
        "reported_by": by,
        "reported_at": at,
        "info_report_id": info.pk if zero is None and info is not None else None,
    }


@transaction.atomic
def remind(*, acting_user: User, root: Unit, period: Period) -> ZeroReminder:
    """催报: tell the units under `root` (and registered informants) that have not reported for
    `period`: an in-app notice leading to the zero-report page and an SMS."""
    require_cap(acting_user, "alerts.screen", "没有催报零报告的权限", root)
    require_capture(acting_user, root)
    table = completeness(acting_user, root, period)
    missing = [r for r in table["rows"] if r["status"] == "missing"]
    unit_ids = sorted({r["unit"].pk for r in missing if r["informant"] is None})
    informant_users = [r["informant"].user_id for r in missing if r["informant"] is not None]
    users = [
        u
        for u in User.objects.filter(
            is_active=True, unit_id__in=unit_ids, department__isnull=True, informant__isnull=True
        ).prefetch_related("roles")
        if u.has_cap("alerts.report")
    ]
    users += list(User.objects.filter(is_active=True, pk__in=informant_users))
    title = f"请报送{period.label}零报告"
    body = f"{root.name}提醒：贵单位{period.label}的零报告尚未报送，无情况请点“本期无情况”。"
    notify_users(users, "zero_remind", title, body, link=ZERO_LINK, sms=REMIND_SMS)
    reminder = ZeroReminder.objects.create(
        sender_unit=root,
        sender_user=acting_user,
        period_kind=period.kind,
        period_start=period.start,
        units=unit_ids + [-r["informant"].pk for r in missing if r["informant"] is not None],
    )
    record_event(
        "zero.reminded",
        obj=root,
        detail={"kind": period.kind, "start": period.start.isoformat(), "units": len(unit_ids), "users": len(users)},
    )
    return reminder


def unit_month_completeness(unit: Unit, month: dt.date) -> dict[str, Any]:
    """For statistics: one unit's zero reporting in one month (`month` any day of it).

    `monthly_reported`: the month's report was made (zero report or an information report
    in the month); `days_owed`: the days of the month inside its sensitive periods;
    `days_reported`: how many of those have a daily zero report or an information report."""
    period = month_period(month)
    reporter = Reporter(unit, None)
    monthly = _own_reports(reporter).filter(period_kind=PeriodKind.MONTHLY, period_start=period.start).exists()
    monthly = monthly or info_report_in(reporter, period) is not None
    owed: set[dt.date] = set()
    for p in _sensitive_between(period.start, period.end):
        if unit.path.startswith(p.path):
            day = max(p.starts_on, period.start)
            while day <= min(p.ends_on, period.end):
                owed.add(day)
                day += dt.timedelta(days=1)
    reported = set(
        _own_reports(reporter)
        .filter(period_kind=PeriodKind.DAILY, period_start__in=owed)
        .values_list("period_start", flat=True)
    )
    low, high = _bounds(period)
    for at in InformationReport.objects.filter(
        reporter_unit=unit, created_at__gte=low, created_at__lt=high
    ).values_list("created_at", flat=True):
        day = timezone.localtime(at).date()
        if day in owed:
            reported.add(day)
    return {"monthly_reported": monthly, "days_owed": len(owed), "days_reported": len(reported & owed)}


# --- sensitive periods ----------------------------------------------------------------------


def can_manage_periods(user: User) -> bool:
    return user.has_cap("alerts.configure") or user.has_cap("alerts.warn")


def _require_period_manager(user: User, obj: Any = None) -> None:
    if not can_manage_periods(user):
        require_cap(user, "alerts.configure", "没有设置敏感期的权限", obj)


def periods_for(user: User, root: Unit, include_cancelled: bool) -> QuerySet[SensitivePeriod]:
    """Periods set for `root` or anywhere under it, and those above it that cover it."""
    prefixes = [root.path[:n] for n in range(2, len(root.path))]
    qs = SensitivePeriod.objects.filter(subtree_q([root.path]) | Q(path__in=prefixes)).select_related(
        "unit", "created_by"
    )
    if not include_cancelled:
        qs = qs.filter(is_cancelled=False)
    return qs.order_by("-starts_on", "-id")


def _period_checks(user: User, unit: Unit, name: str, starts_on: dt.date, ends_on: dt.date, note: str) -> str:
    cleaned: dict[str, str] = {}

    def check_name() -> None:
        cleaned["name"] = required_text(name, field="name", limit=limit_of(SensitivePeriod, "name"))

    def check_dates() -> None:
        if ends_on < starts_on:
            raise InvalidInput.field("ends_on", "结束日期不能早于开始日期", code="ends_before_start")
        if (ends_on - starts_on).days > 366:
            raise InvalidInput.field("ends_on", "敏感期不能超过一年", code="too_long_period")

    def check_note() -> None:
        if len(note or "") > limit_of(SensitivePeriod, "note"):
            raise InvalidInput.field(
                "note", f"工作要求不能超过{limit_of(SensitivePeriod, 'note')}个字", code="too_long"
            )

    def check_unit() -> None:
        if unit.is_retired:
            raise InvalidInput.field("unit_id", "适用范围的单位已撤销", code="unit_retired")

    check_all(check_name, check_dates, check_note, check_unit)
    return cleaned["name"]


@transaction.atomic
def create_period(
    *, acting_user: User, unit: Unit, name: str, starts_on: dt.date, ends_on: dt.date, note: str
) -> SensitivePeriod:
    _require_period_manager(acting_user, unit)
    require_capture(acting_user, unit)
    name = _period_checks(acting_user, unit, name, starts_on, ends_on, note)
    if starts_on < timezone.localdate():
        raise InvalidInput.field("starts_on", "开始日期不能早于今天", code="starts_in_past")
    period = SensitivePeriod.objects.create(
        path=unit.path,
        unit=unit,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
        created_by=acting_user,
    )
    record_event("sensitive_period.created", obj=period, detail={"unit": unit.code})
    return period


@transaction.atomic
def update_period(
    *, acting_user: User, period: SensitivePeriod, name: str, starts_on: dt.date, ends_on: dt.date, note: str
) -> SensitivePeriod:
    """Edit a period that has not started yet (once started, only its end and note change)."""
    _require_period_manager(acting_user, period)
    require_capture(acting_user, period)
    period = SensitivePeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_cancelled:
        raise InvalidInput("敏感期已取消，不能修改", code="period_cancelled")
    name = _period_checks(acting_user, period.unit, name, starts_on, ends_on, note)
    today = timezone.localdate()
    started = period.starts_on <= today
    if started and (starts_on != period.starts_on or name != period.name):
        raise InvalidInput.field("starts_on", "敏感期已开始，只能修改结束日期和工作要求", code="period_started")
    if not started and starts_on < today:
        raise InvalidInput.field("starts_on", "开始日期不能早于今天", code="starts_in_past")
    if started and ends_on < today:
        raise InvalidInput.field("ends_on", "已开始的敏感期结束日期不能早于今天，请取消", code="ends_in_past")
    period.name, period.starts_on, period.ends_on, period.note = name, starts_on, ends_on, (note or "").strip()
    period.save()
    return period


@transaction.atomic
def cancel_period(*, acting_user: User, period: SensitivePeriod) -> SensitivePeriod:
    _require_period_manager(acting_user, period)
    require_capture(acting_user, period)
    period = SensitivePeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_cancelled:
        raise InvalidInput("敏感期已经取消了", code="period_cancelled")
    if period.ends_on < timezone.localdate():
        raise InvalidInput("敏感期已经结束，不能取消", code="period_ended")
    period.is_cancelled = True
    period.save()
    record_event("sensitive_period.cancelled", obj=period)
    return period


# --- informants -----------------------------------------------------------------------------


@dataclass
class InformantData:
    unit: Unit
    role_code: str
    name: str
    phone: str | None  # None: keep; "" clears
    resident_id: int | None
    organisation: str
    enrolled_on: dt.date | None
    note: str


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput.field("phone", "手机号格式不正确（11位手机号或带区号的固定电话）", code="phone_invalid")
    return phone


def _text_limit(field: str, value: str, what: str) -> None:
    if len(value or "") > limit_of(Informant, field):
        raise InvalidInput.field(field, f"{what}不能超过{limit_of(Informant, field)}个字", code="too_long")


@transaction.atomic
def save_informant(*, acting_user: User, data: InformantData, obj: Informant | None = None) -> Informant:
    """Enrol an informant, or change one; every mistake of the form at once."""
    require_cap(acting_user, "alerts.network", "没有管理信息员网络的权限", obj or data.unit)
    if obj is not None:
        require_capture(acting_user, obj)
        obj = Informant.objects.select_for_update().get(pk=obj.pk)
        if obj.is_retired:
            raise InvalidInput("该信息员已退出，不能修改", code="informant_retired")
    require_capture(acting_user, data.unit)
    resident: list[Resident] = []

    def check_unit() -> None:
        if data.unit.is_retired:
            raise InvalidInput.field("unit_id", "所属单位已撤销", code="unit_retired")

    def check_resident() -> None:
        if data.resident_id is None:
            return
        found = Resident.objects.visible_to(acting_user).filter(pk=data.resident_id, is_retired=False).first()
        if found is None:
            raise InvalidInput.field("resident_id", "关联的实有人口不存在或不在您的辖区", code="resident_unknown")
        resident.append(found)

    check_all(
        check_unit,
        lambda: required_text(data.name, field="name", limit=limit_of(Informant, "name"), what="姓名"),
        lambda: require_active_code("informant_role", data.role_code, field="role_code"),
        lambda: _clean_phone(data.phone or ""),
        lambda: _text_limit("organisation", data.organisation, "所在单位或场所"),
        lambda: _text_limit("note", data.note, "备注"),
        check_resident,
    )
    informant = obj or Informant()
    informant.path = data.unit.path
    informant.unit = data.unit
    informant.role_code = data.role_code
    informant.name = data.name.strip()
    if data.phone is not None:
        phone = _clean_phone(data.phone)
        informant.phone_sealed = crypto.seal(phone) if phone else None
        informant.phone_mask = mask_value(phone) if phone else ""
    informant.resident = resident[0] if resident else None
    informant.organisation = (data.organisation or "").strip()
    informant.note = (data.note or "").strip()
    if data.enrolled_on is not None:
        informant.enrolled_on = data.enrolled_on
    informant.save()
    if obj is None:
        record_event("informant.enrolled", obj=informant, detail={"role": informant.role_code})
    return informant


@transaction.atomic
def retire_informant(*, acting_user: User, informant: Informant) -> Informant:
    """退出: kept for the record; a phone account of theirs is closed too."""
    require_cap(acting_user, "alerts.network", "没有管理信息员网络的权限", informant)
    require_capture(acting_user, informant)
    informant = Informant.objects.select_for_update().get(pk=informant.pk)
    if informant.is_retired:
        raise InvalidInput("该信息员已经退出了", code="informant_retired")
    informant.is_retired = True
    informant.retired_at = timezone.now()
    informant.save()
    if informant.user_id is not None:
        account = User.objects.get(pk=informant.user_id)
        account.is_active = False
        account.save()
    record_event("informant.retired", obj=informant)
    return informant


def reveal_phone(*, acting_user: User, informant: Informant) -> str:
    return reveal_sealed(acting_user=acting_user, obj=informant, field="phone", sealed=informant.phone_sealed)


@transaction.atomic
def open_account(*, acting_user: User, informant: Informant, username: str, password: str) -> User:
    """A phone account for a 信息员, limited to reporting information and zero reports (the
    built-in `informant` role), reporting for the informant's unit and seeing nothing else."""
    require_cap(acting_user, "alerts.network", "没有管理信息员网络的权限", informant)
    require_capture(acting_user, informant)
    informant = Informant.objects.select_for_update().get(pk=informant.pk)
    if informant.is_retired:
        raise InvalidInput("该信息员已退出", code="informant_retired")
    if informant.user_id is not None:
        raise Conflict("该信息员已有手机账号", code="account_exists")
    username = (username or "").strip()
    user = User(username=username, full_name=informant.name, unit=informant.unit, must_change_password=True)

    def check_username() -> None:
        if not USERNAME_RE.match(username):
            raise InvalidInput.field("username", "用户名为3-50位字母、数字或 _ . @ -", code="username_invalid")
        if User.objects.filter(username__iexact=username).exists():
            raise InvalidInput.field("username", "用户名已存在", code="username_taken")

    def check_password() -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(
                "；".join(exc.messages),
                code="password_weak",
                errors=[{"field": "password", "message": m} for m in exc.messages],
            ) from exc

    check_all(check_username, check_password)
    if informant.phone_sealed:
        user.phone = crypto.unseal(bytes(informant.phone_sealed))
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    user.roles.set([Role.objects.get(code=INFORMANT_ROLE)])
    # No view scope: the account reads none of the village's records (cases, residents); it
    # reports for its unit (capture scope) and reads only its own reports.
    user.view_scope.set([])
    user.capture_scope.set([informant.unit])
    user.forget_cached_grants()
    informant.user = user
    informant.save()
    record_event("informant.account_opened", obj=informant, detail={"username": username})
    return user


def roster(user: User, root: Unit, role_code: str = "", q: str = "", retired: bool = False) -> QuerySet[Informant]:
    require_cap(user, "records.read", "没有查看信息员网络的权限", root)
    qs = Informant.objects.visible_to(user).filter(subtree_q([root.path])).select_related("unit", "resident", "user")
    if role_code:
        qs = qs.filter(role_code=role_code)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(organisation__icontains=q.strip()))
    return qs.filter(is_retired=retired).order_by("path", "role_code", "id")


def coverage(user: User, root: Unit) -> list[dict[str, Any]]:
    """Per village under `root` (or `root` itself, a village): 中心户长 enrolled against the
    village's required number of 中心户 (`CentralHouseholdQuota`, none when not set)."""
    require_cap(user, "records.read", "没有查看信息员网络的权限", root)
    villages: list[Unit]
    if root.level in ("village", "grid"):
        village = root if root.level == "village" else root.parent
        villages = [village] if village is not None else []
    else:
        villages = list(Unit.objects.filter(subtree_q([root.path]), level="village", is_retired=False).order_by("path"))
    quotas = {q.unit_id: q.required for q in CentralHouseholdQuota.objects.filter(unit__in=villages)}
    enrolled: dict[str, int] = {}
    for path in Informant.objects.filter(
        subtree_q([v.path for v in villages]), role_code=CENTRAL_HOUSEHOLD, is_retired=False
    ).values_list("path", flat=True):
        village_path = path[:12]
        enrolled[village_path] = enrolled.get(village_path, 0) + 1
    rows = []
    for v in villages:
        required = quotas.get(v.pk)
        count = enrolled.get(v.path, 0)
        share = round(min(count / required, 1) * 100, 1) if required else None
        rows.append({"unit": v, "enrolled": count, "required": required, "share": share})
    return rows


@transaction.atomic
def set_quota(*, acting_user: User, unit: Unit, required: int) -> CentralHouseholdQuota:
    require_cap(acting_user, "alerts.network", "没有管理信息员网络的权限", unit)
    require_capture(acting_user, unit)
    if unit.level != "village":
        raise InvalidInput.field("unit_id", "应设中心户数按村（社区）设定", code="not_a_village")
    if required < 0 or required > 100000:
        raise InvalidInput.field("required", "应设中心户数应在0到100000之间", code="invalid_input")
    quota = CentralHouseholdQuota.objects.select_for_update().filter(unit=unit).first()
    if quota is None:
        quota = CentralHouseholdQuota(unit=unit, path=unit.path)
    quota.required = required
    quota.save()
    return quota


# --- group SMS ------------------------------------------------------------------------------


@transaction.atomic
def send_group_sms(
    *, acting_user: User, root: Unit, text: str, role_codes: list[str], informant_ids: list[int] | None = None
) -> GroupSms:
    """群发短信 to the active informants under `root` (of the given roles, or the given ones);
    delivered after the commit (`tasks_zero.deliver_group_sms`), each recipient's status kept."""
    require_cap(acting_user, "alerts.network", "没有群发短信的权限", root)
    require_capture(acting_user, root)
    text = required_text(text, field="text", limit=limit_of(GroupSms, "text"), what="短信内容")
    qs = Informant.objects.filter(subtree_q([root.path]), is_retired=False)
    if role_codes:
        known = labels("informant_role")
        unknown = [c for c in role_codes if c not in known]
        if unknown:
            raise InvalidInput.field("role_codes", f"代码“{unknown[0]}”不在代码表中", code="code_unknown")
        qs = qs.filter(role_code__in=role_codes)
    if informant_ids:
        qs = qs.filter(pk__in=informant_ids)
    recipients = list(qs.order_by("path", "id"))
    if not recipients:
        raise InvalidInput("所选范围内没有信息员", code="no_recipients")
    group = GroupSms.objects.create(sender_unit=root, sender_user=acting_user, text=text)
    GroupSmsRecipient.objects.bulk_create(
        [
            GroupSmsRecipient(
                group=group,
                informant=i,
                phone_mask=i.phone_mask,
                status=GroupSmsRecipient.Status.QUEUED if i.phone_sealed else GroupSmsRecipient.Status.NO_PHONE,
            )
            for i in recipients
        ]
    )
    record_event("group_sms.sent", obj=root, detail={"group": group.pk, "recipients": len(recipients)})
    from .tasks_zero import deliver_group_sms

    transaction.on_commit(lambda: deliver_group_sms.delay(group.pk))
    return group


def deliver(group_id: int) -> int:
    """Send a group text's queued messages one by one through the SMS gateway; each recipient
    gets the gateway's answer. Returns how many were sent."""
    from zongzhi.notify.sms import send_sms

    group = GroupSms.objects.get(pk=group_id)
    sent = 0
    queued = GroupSmsRecipient.objects.filter(group=group, status=GroupSmsRecipient.Status.QUEUED).select_related(
        "informant"
    )
    for recipient in queued:
        sealed = recipient.informant.phone_sealed
        if not sealed:
            recipient.status = GroupSmsRecipient.Status.NO_PHONE
        else:
            message = send_sms(crypto.unseal(bytes(sealed)), group.text)
            if message.status == "sent":
                recipient.status, recipient.sent_at = GroupSmsRecipient.Status.SENT, timezone.now()
                sent += 1
            else:
                recipient.status, recipient.error = GroupSmsRecipient.Status.FAILED, message.error[:300]
        recipient.save(update_fields=["status", "error", "sent_at"])
    return sent


def group_sms_list(user: User, root: Unit) -> QuerySet[GroupSms]:
    require_cap(user, "records.read", "没有查看信息员网络的权限", root)
    return GroupSms.objects.filter(sender_unit__in=Unit.objects.filter(subtree_q([root.path]))).select_related(
        "sender_user", "sender_unit"
    )


def get_group_sms(user: User, pk: int) -> GroupSms:
    group = GroupSms.objects.select_related("sender_unit", "sender_user").filter(pk=pk).first()
    if group is None:
        raise NotFound()
    if not path_within(group.sender_unit.path, user.view_paths):
        raise NotFound(audit=AuditNote("scope.denied", group, {"mode": "read", "user_id": user.pk}))
    require_cap(user, "records.read", "没有查看信息员网络的权限", group)
    return group
