"""API schemas of the monthly analysis report (研判报告)."""

from __future__ import annotations

import datetime as dt

from zongzhi.core.outputs import OutSchema
from zongzhi.units.schemas import UnitBrief


class SummaryOut(OutSchema):
    total: int
    previous: int
    change: float | None
    disputes: int
    resolved: int
    resolved_share: float | None
    major: int
    overdue: int


class SeriesOut(OutSchema):
    code: str
    label: str


class TrendMonthOut(OutSchema):
    """One month of the trend: `counts` follow the report's `series`."""

    month: str
    label: str
    total: int
    counts: list[int]


class CategoryRowOut(OutSchema):
    code: str
    label: str
    count: int
    previous: int
    last_year: int
    change: float | None


class GridHotspotOut(OutSchema):
    path: str
    name: str
    month: int
    total: int


class PlaceHotspotOut(OutSchema):
    address: str
    month: int
    total: int


class HotspotsOut(OutSchema):
    window: str
    grids: list[GridHotspotOut]
    places: list[PlaceHotspotOut]


class RepeatedPartyOut(OutSchema):
    """A resident party to several cases: the name masked, never the ID number."""

    name: str
    unit: str
    month: int
    total: int
    cases: list[str]


class CountOut(OutSchema):
    code: str
    label: str
    count: int


class UnvisitedOut(OutSchema):
    name: str
    category: str
    unit: str
    last_visit: dt.date | None
    due: dt.date
    days_overdue: int


class KeyPersonsOut(OutSchema):
    as_of: dt.date
    listed: int
    missed: int
    by_category: list[CountOut]
    rows: list[UnvisitedOut]


class PreventableOut(OutSchema):
    categories: list[SeriesOut]
    rows: list[CategoryRowOut]
    total: int
    previous: int
    last_year: int
    change: float | None


class AnalysisReportOut(OutSchema):
    """The month's analysis report; `key_persons` is null for users who may not read special
    populations."""

    unit: UnitBrief
    month: str
    month_label: str
    generated_at: dt.datetime
    findings: list[str]
    summary: SummaryOut
    series: list[SeriesOut]
    trend: list[TrendMonthOut]
    by_category: list[CategoryRowOut]
    hotspots: HotspotsOut
    repeated_parties: list[RepeatedPartyOut]
    key_persons: KeyPersonsOut | None
    preventable: PreventableOut


class AnalysisTemplateOut(OutSchema):
    code: str
    name: str
    custom: bool
    uploaded_by: str | None
    uploaded_at: dt.datetime | None
