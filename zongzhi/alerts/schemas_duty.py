"""API schemas of the duty (值班) and of the alerts statistics."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.units.schemas import UnitBrief

from .models import DutyLogEntry, DutyShift
from .services_duty import MAX_SHIFT_HOURS, TEXT_MAX


class PersonOut(OutSchema):
    """A user named on the roster: name only (their own phone is personal data, not shown)."""

    id: int
    full_name: str


class ShiftIn(Schema):
    unit_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    officer_id: int
    leader_id: int | None = None
    duty_phone: str = Field("", max_length=limit_of(DutyShift, "duty_phone"))
    note: str = Field("", max_length=limit_of(DutyShift, "note"))


class RotationIn(Schema):
    unit_id: int
    first_day: dt.date
    last_day: dt.date
    start_time: dt.time = dt.time(8, 30)
    hours: int = Field(24, ge=1, le=MAX_SHIFT_HOURS)
    officer_ids: list[int] = Field(..., min_length=1, max_length=60)
    leader_ids: list[int] = Field(default_factory=list, max_length=60)
    duty_phone: str = Field("", max_length=limit_of(DutyShift, "duty_phone"))


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class LogEntryIn(Schema):
    # A Literal, not the model's choices: an enum would be named "Kind" in the OpenAPI schema,
    # the name of the case kinds.
    kind: Literal["call", "visit", "event", "notice", "other"]
    occurred_at: dt.datetime | None = None
    counterpart: str = Field("", max_length=limit_of(DutyLogEntry, "counterpart"))
    content: str = Field(..., max_length=TEXT_MAX)
    handling: str = Field("", max_length=TEXT_MAX)


class HandoverIn(Schema):
    notes: str = Field(..., max_length=TEXT_MAX)


class HandoverOut(OutSchema):
    notes: str
    handed_by: PersonOut
    handed_at: dt.datetime
    to_shift_id: int | None
    received_by: PersonOut | None
    received_at: dt.datetime | None


class ShiftOut(OutSchema):
    id: int
    unit_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    officer: PersonOut
    leader: PersonOut | None
    duty_phone: str
    note: str
    is_cancelled: bool
    handover: HandoverOut | None


class LogEntryOut(OutSchema):
    id: int
    kind: str
    kind_label: str
    occurred_at: dt.datetime
    counterpart: str
    content: str
    handling: str
    recorded_by: PersonOut


class ShiftDetailOut(ShiftOut):
    unit: UnitBrief
    log: list[LogEntryOut]
    next_shift_id: int | None
    can_keep_log: bool
    can_hand_over: bool
    can_receive: bool


class PeriodBrief(OutSchema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


class RosterOut(OutSchema):
    unit: UnitBrief
    first_day: dt.date
    last_day: dt.date
    can_edit: bool
    shifts: list[ShiftOut]
    periods: list[PeriodBrief]
    gap_days: list[dt.date] = Field(description="敏感期内未排班的日期")


class OnDutyOut(OutSchema):
    unit: UnitBrief
    shift_id: int | None
    officer: PersonOut | None
    leader: PersonOut | None
    duty_phone: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


class GapRowOut(OutSchema):
    unit: UnitBrief
    gap_days: list[dt.date]


class GapsOut(OutSchema):
    unit: UnitBrief
    first_day: dt.date
    last_day: dt.date
    periods: list[PeriodBrief]
    rows: list[GapRowOut]


class CategoryColumn(OutSchema):
    code: str
    label: str


class CategoryRow(OutSchema):
    unit: UnitBrief
    counts: list[int]
    total: int


class CategoriesOut(OutSchema):
    columns: list[CategoryColumn]
    rows: list[CategoryRow]


class TimelinessRow(OutSchema):
    unit: UnitBrief
    reports: int
    on_time: int
    late: int
    missing: int
    concealed: int
    rate: float | None = Field(description="按时报送 / (按时 + 迟报 + 漏报)")


class LevelCounts(OutSchema):
    red: int
    yellow: int
    blue: int
    total: int


class WarningRow(OutSchema):
    unit: UnitBrief
    issued: LevelCounts
    received: LevelCounts


class AckRow(OutSchema):
    unit: UnitBrief
    recipients: int
    acknowledged: int
    pending: int
    overdue: int
    median_hours: float | None
    average_hours: float | None


class ZeroRow(OutSchema):
    unit: UnitBrief
    units: int
    months_reported: int
    days_owed: int
    days_reported: int
    rate: float | None


class AlertStatsOut(OutSchema):
    unit: UnitBrief
    month: str
    categories: CategoriesOut
    timeliness: list[TimelinessRow]
    warnings: list[WarningRow]
    acknowledgements: list[AckRow]
    zero_reports: list[ZeroRow]
