"""The ledgers (/api/office/ledgers: one ledger, the monthly ledger, their Excel files) and the
office calendar (/api/office/calendar). Both read a unit in view scope with `records.read`."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from zongzhi.audit.services import record_event
from zongzhi.core.access import acting
from zongzhi.core.outputs import OutSchema
from zongzhi.units.schemas import UnitBrief

from . import ledgers
from .month_calendar import month_calendar

router = Router(tags=["日常办公"])
calendar_router = Router(tags=["日常办公"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ColumnOut(OutSchema):
    key: str
    label: str
    width: int


class KindOut(OutSchema):
    key: str
    title: str
    group: str
    periodic: bool
    note: str
    columns: list[ColumnOut]


class RowOut(OutSchema):
    id: int
    cells: list[str]
    withdrawn: bool
    link: str


class LedgerBody(OutSchema):
    kind: str
    title: str
    note: str
    unit: UnitBrief
    start: dt.date
    end: dt.date
    columns: list[ColumnOut]
    rows: list[RowOut]
    count: int
    withdrawn: int


class LedgerOut(LedgerBody):
    made_at: dt.datetime
    scope_note: str


class MonthlyLedgerOut(OutSchema):
    unit: UnitBrief
    month: str
    start: dt.date
    end: dt.date
    ledgers: list[LedgerBody]
    made_at: dt.datetime
    scope_note: str


class LedgerQuery(Schema):
    kind: str = Field(..., max_length=40, description="台账种类（见 /kinds）")
    unit: int | None = Field(None, description="单位，默认本人单位")
    from_: dt.date = Field(..., alias="from", description="起始日期（含）")
    to: dt.date = Field(..., description="截止日期（含）")


class MonthQuery(Schema):
    unit: int | None = Field(None, description="单位，默认本人单位")
    month: str | None = Field(None, description="月份 YYYY-MM，默认本月")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


@router.get("/kinds", response=list[KindOut])
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    """The kinds of ledger with their columns."""
    acting(request)
    return ledgers.kinds_out()


@router.get("", response=LedgerOut)
def one_ledger(request: HttpRequest, q: Query[LedgerQuery]) -> dict[str, Any]:
    """One ledger of a unit for a period: the unit's own records, withdrawn ones marked."""
    return ledgers.ledger(acting(request), q.kind, q.unit, q.from_, q.to)


@router.get("/export")
def export_ledger(request: HttpRequest, q: Query[LedgerQuery]) -> HttpResponse:
    """The same ledger as an .xlsx file (A4 landscape, header rows repeated, page numbers)."""
    data = ledgers.ledger(acting(request), q.kind, q.unit, q.from_, q.to)
    unit = data["unit"]
    record_event(
        "office.ledger_exported",
        obj=data["unit_obj"],
        detail={"kind": data["kind"], "unit_id": unit["id"], "from": str(q.from_), "to": str(q.to)},
    )
    return _xlsx(ledgers.to_excel(data), f"{unit['name']}{data['title']}{q.from_}至{q.to}.xlsx")


@router.get("/monthly", response=MonthlyLedgerOut)
def monthly_ledger(request: HttpRequest, q: Query[MonthQuery]) -> dict[str, Any]:
    """日清月结: every ledger of a unit for one month."""
    return ledgers.monthly(acting(request), q.unit, q.month)


@router.get("/monthly/export")
def export_monthly(request: HttpRequest, q: Query[MonthQuery]) -> HttpResponse:
    """The monthly ledger as one .xlsx: a cover sheet with the counts, a sheet per ledger."""
    data = ledgers.monthly(acting(request), q.unit, q.month)
    unit = data["unit"]
    record_event(
        "office.ledger_exported",
        obj=data["unit_obj"],
        detail={"kind": "monthly", "unit_id": unit["id"], "month": data["month"]},
    )
    return _xlsx(ledgers.monthly_to_excel(data), f"{unit['name']}{data['month']}月度台账.xlsx")


# ---------------------------------------------------------------- the calendar


class EntryOut(OutSchema):
    kind: str
    kind_label: str
    day: dt.date
    time: str
    title: str
    note: str
    link: str
    late: bool
    withdrawn: bool


class DayOut(OutSchema):
    day: dt.date
    entries: list[EntryOut]


class OngoingRiskOut(OutSchema):
    id: int
    title: str
    step: str
    step_label: str
    created_on: dt.date
    link: str


class KindCountOut(OutSchema):
    kind: str
    label: str
    count: int


class CalendarOut(OutSchema):
    unit: UnitBrief
    month: str
    days: list[DayOut]
    ongoing_risks: list[OngoingRiskOut]
    counts: list[KindCountOut]


@calendar_router.get("", response=CalendarOut)
def office_calendar(request: HttpRequest, q: Query[MonthQuery]) -> dict[str, Any]:
    """A unit's month: meetings, activities and deadlines, by day."""
    return month_calendar(acting(request), q.unit, q.month)
