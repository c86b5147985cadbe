"""Pagination for list endpoints: `{items, count}` with limit/offset (keyset for long lists
comes with the record apps that need it)."""

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
