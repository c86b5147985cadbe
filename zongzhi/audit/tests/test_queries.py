"""The audit chain's hand-written SQL (audit/queries.py): what its ORM form returns where it has
one, and how many queries each asks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from zongzhi.audit import queries
from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's transaction ids and locks"),
]


def test_the_newest_entry_is_the_orms_and_the_transaction_id_comes_after() -> None:
    record_event("auth.logout", username="queries-test")
    with CaptureQueriesContext(connection) as ctx:
        newest, own = queries.newest_entry_and_own_xid()
    assert len(ctx.captured_queries) == 2
    assert newest == AuditLog.objects.aggregate(m=Max("id"))["m"]
    assert own > 0 and queries.newest_entry_and_own_xid()[1] == own  # one transaction, one id


def test_only_other_transactions_below_the_bound_count_as_running() -> None:
    _, own = queries.newest_entry_and_own_xid()
    with CaptureQueriesContext(connection) as ctx:
        assert queries.transaction_running_below(own + 1) is False  # this one does not count
    assert 1 <= len(ctx.captured_queries) <= 2


def test_the_sealing_lock_is_one_query() -> None:
    with CaptureQueriesContext(connection) as ctx:
        queries.take_sealing_lock()
    assert len(ctx.captured_queries) == 1
