"""The alerts statistics of a month for the units under a unit, and their Excel export."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from zongzhi.audit.services import record_event
from zongzhi.core.access import acting
from zongzhi.core.months import parse_month
from zongzhi.core.scope import unit_in_view
from zongzhi.units.models import Unit

from . import stats
from .schemas_duty import AlertStatsOut

router = Router(tags=["预警与信息报送"])


def _stats(request: HttpRequest, unit: int | None, month: str | None) -> dict[str, Any]:
    user = acting(request)
    root = unit_in_view(Unit.objects.all(), user, unit, "records.read", "没有查看统计数据的权限")
    return stats.monthly(root, parse_month(month))


def _unit(u: Unit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name, "level": u.level, "path": u.path}


@router.get("", response=AlertStatsOut)
def monthly_stats(request: HttpRequest, unit: int | None = None, month: str | None = None) -> dict[str, Any]:
    """The month's tables for the units directly under `unit` (default: the user's unit)."""
    data = _stats(request, unit, month)
    return {**data, "unit": _unit(data["unit"])}


@router.get("/export")
def monthly_stats_export(request: HttpRequest, unit: int | None = None, month: str | None = None) -> HttpResponse:
    """The same tables as an Excel workbook (no personal data: a direct download, audited)."""
    data = _stats(request, unit, month)
    record_event("alerts.stats_exported", obj=data["unit"], detail={"month": data["month"]})
    response = HttpResponse(
        stats.to_excel(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="alerts-stats-{data["unit"].code}-{data["month"]}.xlsx"'
    return response
