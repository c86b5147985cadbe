"""Pagination for list endpoints: `{items, count}` with limit/offset for short lists; the long
lists (cases, residents…) page by keyset and tell their size apart (`capped_total`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class LimitOffset(PaginationBase):
    class Input(Schema):
        limit: int = Field(20, ge=1, le=500, description="每页条数")
        offset: int = Field(0, ge=0, le=1_000_000_000, description="偏移")

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute: str = "items"

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Input, **params: Any) -> dict[str, Any]:  # type: ignore[override]
        offset, limit = pagination.offset, pagination.limit
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


TOTAL_CAP = 1000


class TotalOut(Schema):
    """How many rows a keyset list's filters select, counted up to `TOTAL_CAP` (the page shows
    共 N 条, or 1000 条以上 when `capped`)."""

    count: int
    capped: bool


def capped_total(queryset: QuerySet[Any], cap: int | None = None) -> dict[str, Any]:
    """Count at most `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`): bounded work
    however large the scope, where a full COUNT of a county's million residents is not. Asked
    by the page beside its first page, so the list's own query stays as fast as it was."""
    cap = TOTAL_CAP if cap is None else cap
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return {"count": min(n, cap), "capped": n > cap}
