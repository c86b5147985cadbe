"""Writes that wait for the next query (`one_round_trip`): they arrive first, all or none."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event
from zongzhi.core.fastinsert import Inserter, one_round_trip
from zongzhi.dictionary.models import CodeTable

pytestmark = pytest.mark.django_db


def test_a_waiting_write_is_seen_by_the_next_query() -> None:
    with CaptureQueriesContext(connection) as queries, one_round_trip():
        record_event("bench.first")
        record_event("bench.second")
        found = list(AuditLog.objects.filter(action__startswith="bench.").values_list("action", flat=True))
    assert sorted(found) == ["bench.first", "bench.second"]
    # PostgreSQL: one message for the two entries and the query; elsewhere, one statement each.
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 3)


def test_writes_left_at_the_end_are_sent_and_a_refused_message_writes_nothing() -> None:
    with one_round_trip():
        record_event("bench.alone")
    assert AuditLog.objects.filter(action="bench.alone").count() == 1
    existing = CodeTable.objects.first()
    assert existing is not None
    with pytest.raises(IntegrityError), transaction.atomic(), one_round_trip():
        record_event("bench.refused")
        Inserter(CodeTable).insert(CodeTable(code=existing.code, name="重复的代码表"))
    assert not AuditLog.objects.filter(action="bench.refused").exists()


def test_writes_waiting_before_a_query_that_cannot_carry_them_go_first() -> None:
    with one_round_trip():
        record_event("bench.before_iterator")
        # a server-side cursor on PostgreSQL (one query per DECLARE): the write goes alone first
        seen = [
            a
            for a in AuditLog.objects.filter(action="bench.before_iterator")
            .values_list("action", flat=True)
            .iterator(chunk_size=10)
        ]
    assert seen == ["bench.before_iterator"]
