"""The hand-written SQL of people (`people/queries.py`) returns what its ORM form returns, in a
pinned number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zongzhi.people import filters, queries
from zongzhi.people.models import Resident
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import User

from .test_residents import id_number

pytestmark = pytest.mark.django_db

PEOPLE = [
    # name, former name, sequence, kind, grid, phone
    ("王建国", "", "101", "registered", GRID_1, "13812345678"),
    ("李建国华", "王小虎", "102", "floating", GRID_1, ""),
    ("张国建", "", "103", "registered", GRID_2, "13912345678"),
    ("欧阳建", "", "104", "overseas", GRID_2, ""),
    ("罗秀斌", "", "105", "registered", GRID_1, ""),
    ("罗秀英", "", "106", "floating", GRID_2, ""),
    ("买买提·艾力", "", "107", "registered", GRID_1, ""),
    ("王_%建", "", "108", "registered", GRID_1, ""),
]


@pytest.fixture
def people(api: Any, unit: Any) -> list[int]:
    ids = []
    for name, former, seq, kind, grid, phone in PEOPLE:
        body = {"kind": kind, "name": name, "former_name": former, "id_number": id_number(seq=seq), "phone": phone}
        if kind == "overseas":
            body["nationality_code"] = "158"
        r = api("village_officer").post("/api/registry/residents", {**body, "unit_id": unit(grid).pk})
        assert r.status_code == 201, r.json()
        ids.append(r.json()["id"])
    retired = ids[0]
    r = api("village_officer").post(f"/api/registry/residents/{retired}/retire", {"reason": "迁出"})
    assert r.status_code == 200
    return ids


def _searches(people: list[int], unit: Any) -> list[filters.ResidentFilter]:
    F = filters.ResidentFilter
    texts = ["", "建", "建国", "王建国", "李建国华", "国华", "建华", "小虎", "王小虎", "罗秀斌", "罗秀", "秀英"]
    texts += ["买提·艾力", "马建国军", "%", "_", "王_%", " 建 ", id_number(seq="103"), "13812345678", "13912345678"]
    out = [F(q=t) for t in texts]
    out += [F(q=t, include_retired=True) for t in texts]
    out += [F(kind="floating"), F(kind="registered", q="建"), F(under=unit(GRID_2).pk, q="罗秀")]
    out += [F(cursor=people[5]), F(q="建", cursor=people[3]), F(q="罗秀", limit=1), F(limit=2)]
    out += [F(under=unit(GRID_2).pk), F(under=unit(GRID_2).pk, limit=1), F(include_retired=True, kind="registered")]
    out += [F(kind="overseas", cursor=people[5]), F(include_retired=True, limit=1, cursor=people[2])]
    return out


# On SQLite the plain list reads a window of the newest ids, then the list index for the rest of
# the page (queries._sqlite_list_page): windows that hold none, some and all of the people.
WINDOWS = [0, 1, 3, queries.RECENT_WINDOW]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("who", ["village_officer", "township_officer", "township2_officer", "grid_worker"])
def test_the_resident_page_sql_returns_what_the_orm_returns(
    people: list[int], unit: Any, who: str, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "RECENT_WINDOW", window)
    user = User.objects.get(username=who)
    found = 0
    for f in _searches(people, unit):
        under = unit(GRID_2).path if f.under is not None else None
        search = filters.search_of(user.view_paths, f, under, f.limit)
        rows = queries.resident_page(search)
        assert rows == list(filters.resident_rows(search)), f
        found += len(rows)
    assert found or who == "township2_officer"  # the next township sees none of them


def test_the_resident_page_is_one_query(
    people: list[int], unit: Any, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query, except a plain list on SQLite whose newest rows do not fill the page (here
    none do: the window is empty): two."""
    monkeypatch.setattr(queries, "RECENT_WINDOW", 0)
    user = User.objects.get(username="township_officer")
    for f in _searches(people, unit):
        search = filters.search_of(user.view_paths, f, None, f.limit)
        plain = not search.name and not search.number_field
        with django_assert_num_queries(1 if connection.vendor != "sqlite" or not plain else 2):
            queries.resident_page(search)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the two steps are SQLite's")
def test_a_page_the_newest_rows_fill_is_one_query_on_sqlite(
    people: list[int], unit: Any, django_assert_num_queries: Any
) -> None:
    user = User.objects.get(username="township_officer")
    search = filters.search_of(user.view_paths, filters.ResidentFilter(limit=2), None, 2)
    with django_assert_num_queries(1):
        rows = queries.resident_page(search)
    assert [r["id"] for r in rows] == sorted(people[1:], reverse=True)[:3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the two steps are SQLite's")
def test_the_list_reads_the_newest_rows_then_the_index_alone_on_sqlite(
    people: list[int], unit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 1 walks the primary key (not the path index, which would read and sort the whole
    scope); step 2 reads the list index without the table (a covering index)."""
    monkeypatch.setattr(queries, "RECENT_WINDOW", 1)
    user = User.objects.get(username="township_officer")
    search = filters.search_of(user.view_paths, filters.ResidentFilter(kind="floating"), None, 20)
    with CaptureQueriesContext(connection) as ctx:
        queries.resident_page(search)
    assert len(ctx.captured_queries) == 2
    plans = []
    for query in ctx.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" | ".join(row[3] for row in cursor.fetchall()))
    assert "USING INTEGER PRIMARY KEY" in plans[0] and "resident_list_idx" not in plans[0], plans[0]
    assert "USING COVERING INDEX resident_list_idx" in plans[1], plans[1]


def test_the_row_columns_come_from_the_output_schema() -> None:
    """A field added to the list's output schema that is a column of the model is read by both
    forms without another edit."""
    assert filters.ROW_FIELDS == (
        "id",
        "kind",
        "name",
        "id_number_mask",
        "sex_code",
        "birth_date",
        "phone_mask",
        "current_address",
        "path",
        "is_retired",
    )
    assert all(Resident._meta.get_field(f).concrete for f in filters.ROW_FIELDS)
