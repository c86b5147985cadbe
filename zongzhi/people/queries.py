"""The hand-written SQL of people: one function per query the ORM was measured too slow for,
the measurement in its docstring. Each returns what its ORM form returns
(`tests/test_queries.py` checks it, and pins its query count)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from zongzhi.core.fastinsert import Batch
from zongzhi.core.scope import subtree_sql
from zongzhi.people.models import NameToken, Resident

from .filters import ROW_FIELDS, ResidentSearch
from .names import search_terms

_TABLE = Resident._meta.db_table
_COLUMNS = {f.name: f.column for f in Resident._meta.concrete_fields}
_SELECT = f"SELECT {', '.join('r.' + _COLUMNS[f] for f in ROW_FIELDS)} FROM {_TABLE} r"
_TOKENS = NameToken._meta.db_table
# The index the plain list reads on SQLite when the newest rows do not fill its page: every
# column its filters test, so the scan never reads the table (models.Resident.Meta.indexes).
_LIST_INDEX = "resident_list_idx"
# How many of the newest ids the plain list reads in id order on SQLite before it turns to the
# index (`_sqlite_list_page`); tests make it small to exercise both steps.
RECENT_WINDOW = 10_000


def _list_filters(search: ResidentSearch, path: str, alias: str) -> tuple[list[str], list[Any]]:
    """The conditions of the plain list on the table aliased `alias`: scope, `under`, retired,
    kind. `path` is how the path column is written (`+r.path` keeps SQLite off its index)."""
    scope, params = subtree_sql(search.view_paths, path)
    where = [scope]
    if search.under is not None:
        under, under_params = subtree_sql([search.under], path)
        where.append(under)
        params += under_params
    if not search.include_retired:
        where.append(f"NOT {alias}.is_retired")
    if search.kind:
        where.append(f"{alias}.kind = %s")
        params.append(search.kind)
    return where, list[Any](params)


def resident_page(search: ResidentSearch, batch: Batch | None = None) -> list[dict[str, Any]]:
    """`filters.resident_rows(search)`: one page of the resident list, `limit` + 1 rows of
    `ROW_FIELDS`, newest first; the list, the name search and the number lookup.

    Why SQL: the busiest query of the registry, and the ORM takes longer to build it than the
    database to answer (see the developer guide, 5b, for the figures). A name search reads the
    name index newest first (`ORDER BY t.resident_id`), so the index gives the order and the
    search stops at a page: SQLite would otherwise sort every match of a common character
    (50 ms for "王" at a million residents, 2 ms this way). With a `batch`, its waiting rows
    (a number search's audit entry) are written by the same statement (`Batch.fetch`). The
    plain list (no `q`) on SQLite is `_sqlite_list_page`.
    """
    if connection.vendor == "sqlite" and not search.number_field and not search.name:
        return _sqlite_list_page(search)
    where, params = _list_filters(search, "r.path", "r")
    join, order = "", "r.id"
    if search.number_field:
        where.append(f"r.{_COLUMNS[search.number_field + '_index']} = %s")
        params.append(search.number_index)
    elif search.name:
        token, last_pair, text = search_terms(search.name)
        if token is not None:
            join, order = f" JOIN {_TOKENS} t ON t.resident_id = r.id", "t.resident_id"
            token_scope, token_params = subtree_sql(search.view_paths, "t.path")
            where += ["t.token = %s", token_scope]
            params += [token, *token_params]
            if last_pair is not None:
                where.append(
                    f"EXISTS (SELECT 1 FROM {_TOKENS} t2 WHERE t2.token = %s AND t2.resident_id = t.resident_id)"
                )
                params.append(last_pair)
            if text:
                where.append("(r.name LIKE %s ESCAPE '\\' OR r.former_name LIKE %s ESCAPE '\\')")
                pattern = f"%{connection.ops.prep_for_like_query(text)}%"
                params += [pattern, pattern]
    if search.cursor is not None:
        where.append(f"{order} < %s")
        params.append(search.cursor)
    sql = f"{_SELECT}{join} WHERE {' AND '.join(where)} ORDER BY {order} DESC LIMIT {int(search.limit) + 1}"
    found = batch.fetch(sql, params) if batch is not None else _fetch(sql, params)
    return [dict(zip(ROW_FIELDS, row, strict=True)) for row in found]


def _sqlite_list_page(search: ResidentSearch) -> list[dict[str, Any]]:
    """`resident_page` for the plain list (no `q`) on SQLite: one query, or two.

    1. The newest `RECENT_WINDOW` ids below the cursor, read in id order and tested row by
       row (`+r.path`: not through the path index). Where the caller's scope is a good share
       of the residents (a township, the county) this fills the page, and that is the answer.
    2. Otherwise the rest of the page comes from the rows below the last one found (below the
       cursor if none): their ids read from the list index alone, sorted, the page's rows
       then read by id. Only a small scope (a grid, a village), a rare kind or old rows get
       here, and the scan reads index entries of the scope, never the table.

    Why: SQLite has no statistics on how many rows a path range holds (no STAT4 in the
    Python builds), so for the single query it takes the range on the list index, reads the
    table row of every resident of the scope and sorts them all: at 1,000,000 residents a
    township's first page took 266 ms (the county's seconds), against PostgreSQL's 5.8 ms,
    which walks the primary key backwards. Reading the newest rows first is what PostgreSQL
    does; the index step bounds the cases where that would read most of the table.
    """
    limit = int(search.limit) + 1
    where, params = _list_filters(search, "+r.path", "r")
    window = [f"r.id >= {'%s' if search.cursor is not None else f'(SELECT max(id) FROM {_TABLE})'} - %s"]
    window_params: list[Any] = [search.cursor] if search.cursor is not None else []
    window_params.append(RECENT_WINDOW)
    if search.cursor is not None:
        window.insert(0, "r.id < %s")
        window_params.insert(0, search.cursor)
    sql = f"{_SELECT} WHERE {' AND '.join(window + where)} ORDER BY r.id DESC LIMIT {limit}"
    found = _fetch(sql, window_params + params)
    if len(found) < limit:
        below = found[-1][0] if found else search.cursor
        inner, inner_params = _list_filters(search, "s.path", "s")
        if below is not None:
            inner.append("s.id < %s")
            inner_params.append(below)
        ids = (
            f"SELECT s.id FROM {_TABLE} s INDEXED BY {_LIST_INDEX} WHERE {' AND '.join(inner)}"
            f" ORDER BY s.id DESC LIMIT {limit - len(found)}"
        )
        found += _fetch(f"{_SELECT} WHERE r.id IN ({ids}) ORDER BY r.id DESC", inner_params)
    return [dict(zip(ROW_FIELDS, row, strict=True)) for row in found]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows
