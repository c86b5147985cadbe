"""API schemas of the monthly analysis report (研判报告)."""

from __future__ import annotations

import datetime as dt

from zongzhi.core.outputs import OutSchema
from zongzhi.units.schemas import UnitBrief


class AnalysisSummaryOut(OutSchema):
    total: int
    previous: int
    change: float | None
    disputes: int
    resolved: int
    resolved_share: float | None
    major: int
    overdue: int


class AnalysisSeriesOut(OutSchema):
    code: str
    label: str


class AnalysisTrendMonthOut(OutSchema):
    """One month of the trend: `counts` follow the report's `series`."""

    month: str
    label: str
    total: int
    counts: list[int]


class AnalysisCategoryRowOut(OutSchema):
    code: str
    label: str
    count: int
    previous: int
    last_year: int
    change: float | None


class AnalysisGridHotspotOut(OutSchema):
    path: str
    name: str
    month: int
    total: int


class AnalysisPlaceHotspotOut(OutSchema):
    address: str
    month: int
    total: int


class AnalysisHotspotsOut(OutSchema):
    window: str
    grids: list[AnalysisGridHotspotOut]
    places: list[AnalysisPlaceHotspotOut]


class AnalysisRepeatedPartyOut(OutSchema):
    """A resident party to several cases: the name masked, never the ID number."""

    name: str
    unit: str
    month: int
    total: int
    cases: list[str]


class AnalysisCountOut(OutSchema):
    code: str
    label: str
    count: int


class AnalysisUnvisitedOut(OutSchema):
    name: str
    category: str
    unit: str
    last_visit: dt.date | None
    due: dt.date
    days_overdue: int


class AnalysisKeyPersonsOut(OutSchema):
    as_of: dt.date
    listed: int
    missed: int
    by_category: list[AnalysisCountOut]
    rows: list[AnalysisUnvisitedOut]


class AnalysisPreventableOut(OutSchema):
    categories: list[AnalysisSeriesOut]
    rows: list[AnalysisCategoryRowOut]
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
    summary: AnalysisSummaryOut
    series: list[AnalysisSeriesOut]
    trend: list[AnalysisTrendMonthOut]
    by_category: list[AnalysisCategoryRowOut]
    hotspots: AnalysisHotspotsOut
    repeated_parties: list[AnalysisRepeatedPartyOut]
    key_persons: AnalysisKeyPersonsOut | None
    preventable: AnalysisPreventableOut


class AnalysisTemplateOut(OutSchema):
    code: str
    name: str
    custom: bool
    uploaded_by: str | None
    uploaded_at: dt.datetime | None
