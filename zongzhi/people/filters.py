"""The resident list's filter: the query string it takes, what it searches for, and its ORM form.

The list runs the SQL twin of `resident_rows` (`queries.resident_page`); both read the row's
columns from the output schema (`ROW_FIELDS`) and the name's search terms from
`names.search_terms`, and `tests/test_queries.py` checks that they return the same rows.
"""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from ninja import Schema

from zongzhi.core import crypto
from zongzhi.core.scope import subtree_q
from zongzhi.people.models import Resident
from zongzhi.people.schemas import ResidentKindName, ResidentRowOut

from . import names

ID_LIKE = re.compile(r"^\d{6,17}[\dXx]$")
PHONE_LIKE = re.compile(r"^1\d{10}$")
NAME_FRAGMENT_LIMIT = 20  # the characters of a typed name that are searched for

_MODEL_FIELDS = frozenset(f.name for f in Resident._meta.concrete_fields)
# The model fields a list row shows, in the order the output schema declares them; the other
# fields of the row (labels, the age, the unit's name) are worked out from these.
ROW_FIELDS: tuple[str, ...] = tuple(name for name in ResidentRowOut.model_fields if name in _MODEL_FIELDS)


class ResidentFilter(Schema):
    kind: ResidentKindName | None = None
    q: str | None = None
    under: int | None = None
    include_retired: bool = False
    cursor: int | None = None
    limit: int = 20


@dataclass(frozen=True)
class ResidentSearch:
    """One page of the resident list to read: the caller's view scope, the filters, and what
    `q` asks for (a whole ID number or phone, found by its blind index, or a name fragment)."""

    view_paths: Sequence[str]
    under: str | None = None
    include_retired: bool = False
    kind: str | None = None
    number_field: str = ""  # "id_number" | "phone"
    number: str = ""
    name: str = ""
    cursor: int | None = None
    limit: int = 20

    @property
    def number_index(self) -> bytes:
        return crypto.blind_index(self.number, self.number_field)


def search_of(view_paths: Sequence[str], filters: ResidentFilter, under: str | None, limit: int) -> ResidentSearch:
    """What the list's query string asks for. `q` is a whole ID number or mobile number (spaces
    ignored) or else a fragment of a name."""
    text = (filters.q or "").strip()
    number = "".join(text.split()).upper()
    field = "phone" if PHONE_LIKE.match(number) else "id_number" if ID_LIKE.match(number) else ""
    return ResidentSearch(
        view_paths=tuple(view_paths),
        under=under,
        include_retired=filters.include_retired,
        kind=filters.kind,
        number_field=field,
        number=number if field else "",
        name="" if field else text[:NAME_FRAGMENT_LIMIT],
        cursor=filters.cursor,
        limit=limit,
    )


def resident_rows(search: ResidentSearch) -> QuerySet[Resident, dict[str, Any]]:
    """The ORM form of one page: `limit` + 1 rows of `ROW_FIELDS`, newest first."""
    qs = selected(search)
    if search.cursor is not None:
        qs = qs.filter(pk__lt=search.cursor)
    rows: QuerySet[Resident, dict[str, Any]] = qs.order_by("-pk").values(*ROW_FIELDS)[: search.limit + 1]
    return rows


def selected(search: ResidentSearch) -> QuerySet[Resident]:
    """Every resident the search's filters select (no cursor, no order)."""
    qs = Resident.objects.filter(subtree_q(search.view_paths))
    if search.under is not None:
        qs = qs.filter(subtree_q([search.under]))
    if not search.include_retired:
        qs = qs.filter(is_retired=False)
    if search.kind:
        qs = qs.filter(kind=search.kind)
    if search.number_field:
        qs = qs.filter(**{f"{search.number_field}_index": search.number_index})
    elif search.name:
        qs = qs.filter(names.name_filter(search.name, search.view_paths))
    return qs
