"""Answer schemas of the home dashboard and the big screen (explicit fields, no personal data)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from zongzhi.core.outputs import OutSchema


class UnitBriefOut(OutSchema):
    id: int
    code: str
    name: str
    level: str
    path: str


class TodoOut(OutSchema):
    cases: int = Field(description="open cases the caller's unit (or department) holds")
    overdue: int = Field(description="of those, the overdue ones")
    warnings: int = Field(description="warnings to the caller's unit not yet acknowledged")


class FeedItemOut(OutSchema):
    """One line of the live feed: a case or a warning, by title, unit and time only."""

    type: Literal["case", "warning"]
    id: int
    number: str
    title: str
    unit_name: str
    at: dt.datetime
    label: str = Field(description="the case's category (or kind), the warning's level")
    status: str
    level: str = Field(description="red / yellow / blue, or a case's yellow or red card; empty otherwise")


class DutyUnitBrief(OutSchema):
    id: int
    name: str
    level: str
    path: str


class DutyUnitOut(OutSchema):
    unit: DutyUnitBrief
    officer: str
    leader: str
    until: dt.datetime | None


class RecentLoginOut(OutSchema):
    name: str
    unit_name: str
    at: dt.datetime


class WorkersOut(OutSchema):
    grid_workers: int
    on_phone: int = Field(description="grid workers and others under the unit logged in on the phone today")
    logged_in: int = Field(description="people under the unit logged in today on any client")
    recent: list[RecentLoginOut]


class ScreenMapProps(OutSchema):
    id: int
    path: str
    name: str
    level: str
    role: Literal["self", "child", "grid"]


class ScreenMapFeature(OutSchema):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any] = Field(description="GeoJSON geometry (WGS84)")
    properties: ScreenMapProps


class ScreenMapOut(OutSchema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[ScreenMapFeature]


class CaseSummaryOut(OutSchema):
    """The month's cases under a unit (from the rollups)."""

    reported: int
    open: int
    completed: int
    overdue: int
    yellow: int = Field(description="reported this month and now on a yellow card")
    red: int = Field(description="reported this month and now on a red card")
    resolved_share: float | None = Field(description="disputes resolved over disputes reported; None without disputes")
    avg_handling_hours: float | None


class TrendPointOut(OutSchema):
    month: str
    reported: int
    completed: int
    overdue: int


class BreakdownOut(OutSchema):
    key: str
    label: str
    count: int


class ChildFiguresOut(OutSchema):
    unit_id: int
    name: str
    level: str
    path: str
    reported: int
    open: int
    completed: int
    overdue: int
    resolved_share: float | None
