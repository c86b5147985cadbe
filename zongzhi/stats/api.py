"""The statistics pages' figures (/api/stats): rollups by unit, month and level, trends, comparisons among sibling units, each figure with the list behind it."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from zongzhi.core.access import acting

from . import services
from .schemas import CaseStatsOut, PopulationStatsOut

router = Router(tags=["统计研判"])


class StatsQuery(Schema):
    unit: int | None = None  # default: the user's own unit
    month: str | None = None  # YYYY-MM, default: this month


@router.get("/cases", response=CaseStatsOut)
def case_stats(request: HttpRequest, q: Query[StatsQuery]) -> dict[str, Any]:
    """案件统计: the month's case figures of a unit in the user's view scope, by kind, category,
    status and source, the 12-month trend and the comparison of its child units."""
    user = acting(request)
    unit, month = services.resolve(user, q.unit, q.month)
    return services.case_page(unit, month)


@router.get("/population", response=PopulationStatsOut)
def population_stats(request: HttpRequest, q: Query[StatsQuery]) -> dict[str, Any]:
    """人口与场所统计: the registry under a unit as it stands, and the month's visit and
    inspection coverage."""
    user = acting(request)
    unit, month = services.resolve(user, q.unit, q.month)
    return services.population_page(unit, month)
