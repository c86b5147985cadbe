"""The share of listed people visited on time, per unit (the seeds expect 100%)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from zongzhi.core.scope import subtree_q
from zongzhi.people.models import PersonCategory
from zongzhi.units.models import PATH_LENGTH, Unit, child_level


def _share(on_time: int, total: int) -> float | None:
    return round(on_time / total, 4) if total else None


def service_share(root: Unit, group: str, today: date) -> dict[str, Any]:
    """For `root` and each unit directly below it: listed people, visited on time, overdue.

    On time means the next visit is not yet past due: `next_visit_on >= today`.
    """
    below = child_level(root.level)
    children = list(Unit.objects.filter(parent=root, is_retired=False).order_by("code")) if below else []
    qs = PersonCategory.objects.filter(subtree_q([root.path]), group=group, is_retired=False)
    on_time = Count("id", filter=Q(next_visit_on__gte=today))
    rows: list[dict[str, Any]] = []
    if children:
        width = PATH_LENGTH[below]  # type: ignore[index]
        counts = {
            r["prefix"]: r
            for r in qs.annotate(prefix=Substr("path", 1, width))
            .values("prefix")
            .annotate(total=Count("id"), on_time=on_time)
        }
        for child in children:
            c = counts.get(child.path, {"total": 0, "on_time": 0})
            rows.append(
                {
                    "unit": child,
                    "total": c["total"],
                    "on_time": c["on_time"],
                    "overdue": c["total"] - c["on_time"],
                    "share": _share(c["on_time"], c["total"]),
                }
            )
    whole = qs.aggregate(total=Count("id"), on_time=on_time)
    return {
        "unit": root,
        "group": group,
        "total": whole["total"],
        "on_time": whole["on_time"],
        "overdue": whole["total"] - whole["on_time"],
        "share": _share(whole["on_time"], whole["total"]),
        "rows": rows,
    }
