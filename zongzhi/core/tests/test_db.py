"""Writes that belong together (`core.db.atomic_writes`): seen by the block's later queries,
all or none, and a refused statement raises its own error, out of the block."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from psycopg import errors as pg_errors

from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event
from zongzhi.core.db import atomic_writes, writes_together
from zongzhi.core.fastinsert import Inserter
from zongzhi.dictionary.models import CodeTable

pytestmark = pytest.mark.django_db


def test_a_write_is_seen_by_the_next_query_in_the_block() -> None:
    with atomic_writes():
        record_event("bench.first")
        record_event("bench.second")
        found = list(AuditLog.objects.filter(action__startswith="bench.").values_list("action", flat=True))
    assert sorted(found) == ["bench.first", "bench.second"]


def test_a_refused_statement_raises_its_own_error_and_the_block_writes_nothing() -> None:
    existing = CodeTable.objects.first()
    assert existing is not None
    with pytest.raises(IntegrityError) as refused, atomic_writes():
        record_event("bench.refused")
        Inserter(CodeTable).insert(CodeTable(code=existing.code, name="重复的代码表"))
        record_event("bench.after")
    if connection.vendor == "postgresql":
        # the duplicate code's own error, not one of a statement around it
        assert isinstance(refused.value.__cause__, pg_errors.UniqueViolation)
        assert refused.value.__cause__.diag.table_name == CodeTable._meta.db_table
    assert not AuditLog.objects.filter(action__in=["bench.refused", "bench.after"]).exists()
    # the surrounding transaction (the test's) goes on
    assert CodeTable.objects.filter(code=existing.code).count() == 1


def test_a_block_in_a_block_joins_it() -> None:
    with atomic_writes():
        record_event("bench.outer")
        with atomic_writes():
            record_event("bench.inner")
        assert AuditLog.objects.filter(action__in=["bench.outer", "bench.inner"]).count() == 2


def test_rows_written_together_go_in_one_statement_all_or_nothing(django_assert_num_queries: object) -> None:
    existing = CodeTable.objects.first()
    assert existing is not None
    with writes_together() as writes:
        record_event("bench.zero", batch=writes)
        assert not AuditLog.objects.filter(action="bench.zero").exists()  # nothing before the end
    # Inside the test's transaction the batch takes a savepoint: on PostgreSQL the rows are one
    # statement between it and its release; on SQLite one INSERT per table.
    statements = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(statements + 2), writes_together() as writes:
        record_event("bench.one", batch=writes)
        record_event("bench.two", batch=writes)
        Inserter(CodeTable).insert(CodeTable(code="bench_batch", name="一起写的代码表"), read_pk=False, batch=writes)
    assert AuditLog.objects.filter(action__in=["bench.one", "bench.two"]).count() == 2
    assert CodeTable.objects.filter(code="bench_batch").exists()

    with pytest.raises(IntegrityError) as refused, writes_together() as writes:
        record_event("bench.refused", batch=writes)
        Inserter(CodeTable).insert(CodeTable(code=existing.code, name="重复的代码表"), read_pk=False, batch=writes)
    if connection.vendor == "postgresql":
        assert isinstance(refused.value.__cause__, pg_errors.UniqueViolation)
        assert refused.value.__cause__.diag.table_name == CodeTable._meta.db_table
    assert not AuditLog.objects.filter(action="bench.refused").exists()
    assert CodeTable.objects.filter(code=existing.code).count() == 1  # the test's transaction goes on


def test_a_query_carries_the_waiting_rows_and_runs_only_if_they_are_written() -> None:
    existing = CodeTable.objects.first()
    assert existing is not None
    with writes_together() as writes:
        record_event("bench.lookup", batch=writes)
        rows = writes.fetch("SELECT code FROM dictionary_codetable WHERE code = %s", [existing.code])
    assert rows == [(existing.code,)] and AuditLog.objects.filter(action="bench.lookup").count() == 1

    with pytest.raises(IntegrityError), writes_together() as writes:
        Inserter(CodeTable).insert(CodeTable(code=existing.code, name="重复的代码表"), read_pk=False, batch=writes)
        writes.fetch("SELECT code FROM dictionary_codetable", [])


def test_inserted_rows_store_what_the_orms_create_stores(django_assert_num_queries: object) -> None:
    """`Inserter` and `Batch` write by hand what `Model.objects.create()` would write."""
    from django.utils import timezone

    from zongzhi.notify.models import PendingNotice

    at = timezone.now()
    event = {"layer": "event", "action": "bench.same", "username": "甲", "detail": {"字段": [1, "二"]}, "at": at}
    notice = {
        "unit": 7,
        "department": None,
        "reason": "new",
        "title": "新的待办",
        "body": "正文",
        "case": 9,
        "created_at": at,
    }
    by_orm = [AuditLog.objects.create(**event).pk, PendingNotice.objects.create(**notice).pk]
    with django_assert_num_queries(1):
        Inserter(AuditLog).insert_values(event)
    with django_assert_num_queries(1):
        Inserter(PendingNotice).insert(PendingNotice(**notice), read_pk=False)
    with writes_together() as writes:
        Inserter(AuditLog).insert_values(event, batch=writes)
        Inserter(PendingNotice).insert(PendingNotice(**notice), read_pk=False, batch=writes)

    def rows(model: type, first_pk: int) -> list[dict[str, object]]:
        found = model.objects.filter(pk__gte=first_pk).order_by("pk").values()
        return [{k: v for k, v in row.items() if k != "id"} for row in found]

    audit, notices = rows(AuditLog, by_orm[0]), rows(PendingNotice, by_orm[1])
    assert len(audit) == 3 and audit[1:] == [audit[0], audit[0]]
    assert len(notices) == 3 and notices[1:] == [notices[0], notices[0]]
