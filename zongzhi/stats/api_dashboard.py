"""The home dashboard per role (/api/stats/dashboard) and the county centre's big screen (/api/stats/screen)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from zongzhi.core.access import acting
from zongzhi.core.months import parse_month
from zongzhi.core.outputs import OutSchema

from . import services_dashboard, services_screen
from .schemas_dashboard import (
    BreakdownOut,
    CaseSummaryOut,
    ChildFiguresOut,
    DutyUnitOut,
    FeedItemOut,
    ScreenMapOut,
    TodoOut,
    TrendPointOut,
    UnitBriefOut,
    WorkersOut,
)

router = Router(tags=["统计研判"])


class DashboardOut(OutSchema):
    unit: UnitBriefOut
    month: str
    since: dt.date
    until: dt.date
    summary: CaseSummaryOut
    residents: int
    key_persons: int
    population: list[BreakdownOut]
    trend: list[TrendPointOut]
    by_category: list[BreakdownOut]
    children: list[ChildFiguresOut]
    todo: TodoOut


class ScreenOut(OutSchema):
    unit: UnitBriefOut
    month: str
    now: dt.datetime
    summary: CaseSummaryOut
    trend: list[TrendPointOut]
    children: list[ChildFiguresOut]
    grids: dict[str, int] = Field(description="cases reported this month per grid path (grids without any left out)")
    feed: list[FeedItemOut]
    duty: list[DutyUnitOut]
    workers: WorkersOut


@router.get("/dashboard", response=DashboardOut)
def dashboard(request: HttpRequest, unit: int | None = None, month: str | None = None) -> dict[str, Any]:
    """The home dashboard of a unit in the caller's view scope (default: their own unit) for a
    month (`YYYY-MM`, default the current one)."""
    user = acting(request)
    root = services_dashboard.resolve_unit(user, unit)
    return services_dashboard.dashboard(acting_user=user, unit=root, month=parse_month(month))


@router.get("/screen", response=ScreenOut)
def screen(request: HttpRequest, unit: int | None = None) -> dict[str, Any]:
    """The big screen's whole payload for a unit (default: the caller's own), read every 30 s."""
    root = services_dashboard.resolve_unit(acting(request), unit)
    return services_screen.screen(root)


@router.get("/screen/map", response=ScreenMapOut)
def screen_map(request: HttpRequest, unit: int | None = None) -> dict[str, Any]:
    """The big screen's map: the unit's boundary, its children's and its grids' (read once per page)."""
    root = services_dashboard.resolve_unit(acting(request), unit)
    return services_screen.screen_map(root)
