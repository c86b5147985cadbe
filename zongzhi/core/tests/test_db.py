"""Writes that belong together (`core.db.atomic_writes`): seen by the block's later queries,
all or none, and a refused statement raises its own error, out of the block."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from psycopg import errors as pg_errors

from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event
from zongzhi.core.db import atomic_writes
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
