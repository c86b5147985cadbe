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

_COLUMNS = {f.name: f.column for f in Resident._meta.concrete_fields}
_SELECT = f"SELECT {', '.join('r.' + _COLUMNS[f] for f in ROW_FIELDS)} FROM {Resident._meta.db_table} r"
_TOKENS = NameToken._meta.db_table


def resident_page(search: ResidentSearch, batch: Batch | None = None) -> list[dict[str, Any]]:
    """`filters.resident_rows(search)`: one page of the resident list, `limit` + 1 rows of
    `ROW_FIELDS`, newest first; the list, the name search and the number lookup.

    Why SQL: the busiest query of the registry, and the ORM takes longer to build it than the
    database to answer (see the developer guide, 5b, for the figures). A name search reads the
    name index newest first (`ORDER BY t.resident_id`), so the index gives the order and the
    search stops at a page: SQLite would otherwise sort every match of a common character
    (50 ms for "王" at a million residents, 2 ms this way). With a `batch`, its waiting rows
    (a number search's audit entry) are written by the same statement (`Batch.fetch`).
    """
    scope, scope_params = subtree_sql(search.view_paths, "r.path")
    where, params, join, order = [scope], list[Any](scope_params), "", "r.id"
    if search.under is not None:
        under, under_params = subtree_sql([search.under], "r.path")
        where.append(under)
        params += under_params
    if not search.include_retired:
        where.append("NOT r.is_retired")
    if search.kind:
        where.append("r.kind = %s")
        params.append(search.kind)
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
    if batch is not None:
        found = batch.fetch(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
    return [dict(zip(ROW_FIELDS, row, strict=True)) for row in found]
