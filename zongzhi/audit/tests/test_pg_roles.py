"""PostgreSQL: the database itself keeps the audit log append-only. TRUNCATE is refused even
for the owner; the application's role (manage.py grant_app_role) may only INSERT and SELECT the
audit tables and cannot disable their triggers; the sealing job does not seal past a
transaction that may still commit a lower id."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import errors

from zongzhi.audit import chain
from zongzhi.audit.models import AuditLog, AuditSeal
from zongzhi.audit.roles import grant
from zongzhi.audit.services import record_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles and TRUNCATE"),
]

APP_ROLE = "zongzhi_app_test"
APP_PASSWORD = "zongzhi-app-test"  # ignored where the server trusts local connections
INSERT_SQL = (
    "INSERT INTO audit_auditlog (at, layer, action, username, actor_path, object_type, object_id,"
    " object_repr, object_path, detail, request_id) VALUES (%s, 'event', 'auth.login', %s, '', '', '', '', '',"
    " '{}', '') RETURNING id"
)


def _connect(user: str | None = None, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A second connection to the test database, outside the test's transaction."""
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=user or s["USER"] or "postgres",
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        password=s["PASSWORD"] if user is None else APP_PASSWORD,
        autocommit=autocommit,
    )


@pytest.fixture
def app_role() -> Iterator[str]:
    """The limited role, created if missing and granted its privileges by the owner (committed:
    the role's own connection must see them)."""
    with _connect() as owner:
        try:
            owner.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'")
        except errors.DuplicateObject:
            owner.execute(f"ALTER ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'")
        with owner.transaction(), owner.cursor() as cursor:
            grant(cursor, APP_ROLE)
    yield APP_ROLE


def test_the_owner_cannot_truncate_the_audit_tables() -> None:
    record_event("auth.login", username="village_officer")
    for table in ("audit_auditlog", "audit_auditseal"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    assert AuditLog.objects.exists()


def test_the_app_role_may_only_insert_and_select_the_audit_log(app_role: str) -> None:
    with _connect(app_role) as app:
        with app.transaction(force_rollback=True):
            entry_id = app.execute(INSERT_SQL, [timezone.now(), "app_role_writer"]).fetchone()[0]  # type: ignore[index]
            assert app.execute("SELECT username FROM audit_auditlog WHERE id = %s", [entry_id]).fetchone() == (
                "app_role_writer",
            )
        refused = [
            "TRUNCATE audit_auditlog",
            "UPDATE audit_auditlog SET username = 'x'",
            "DELETE FROM audit_auditlog",
            "ALTER TABLE audit_auditlog DISABLE TRIGGER USER",
            "ALTER TABLE audit_auditlog DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_auditlog_guard ON audit_auditlog",
            "TRUNCATE audit_auditseal",
            "UPDATE audit_auditseal SET prev_id = NULL",
            "DELETE FROM audit_auditseal",
            "ALTER TABLE audit_auditseal DISABLE TRIGGER USER",
        ]
        for statement in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(statement)
        # What the sealing job and the rest of the application need still works.
        with app.transaction(force_rollback=True):
            app.execute("INSERT INTO audit_auditsealstate (id, target_id) VALUES (1, 0) ON CONFLICT DO NOTHING")
            app.execute("UPDATE audit_auditsealstate SET target_id = 0")
            app.execute("SELECT pg_advisory_xact_lock(1)")
            app.execute("UPDATE units_unit SET name = name WHERE id = (SELECT min(id) FROM units_unit)")
            assert app.execute("SELECT count(*) FROM audit_auditseal").fetchone() is not None


def test_grant_app_role_is_idempotent_and_leaves_the_audit_tables_insert_only(app_role: str) -> None:
    call_command("grant_app_role", app_role, stdout=None)
    call_command("grant_app_role", app_role, stdout=None)
    with connection.cursor() as cursor:
        for table in ("audit_auditlog", "audit_auditseal"):
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'INSERT'), has_table_privilege(%s, %s, 'SELECT'),"
                " has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'DELETE'),"
                " has_table_privilege(%s, %s, 'TRUNCATE'), has_table_privilege(%s, %s, 'TRIGGER')",
                [app_role, table] * 6,
            )
            assert cursor.fetchone() == (True, True, False, False, False, False)
        cursor.execute("SELECT has_table_privilege(%s, 'cases_case', 'UPDATE')", [app_role])
        assert cursor.fetchone() == (True,)


def test_grant_app_role_refuses_the_owner_and_a_missing_role() -> None:
    with pytest.raises(CommandError, match=r"superuser|owns"):
        call_command("grant_app_role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", "no_such_role_zz")


def test_a_transaction_still_running_holds_back_the_sealing_horizon() -> None:
    """Entry `late` takes its id before `mine` but commits after it: sealing past `late` while
    it runs would make it look forged once it commits."""
    with _connect(autocommit=False) as other:
        late = other.execute(INSERT_SQL, [timezone.now(), "late_writer"]).fetchone()[0]  # type: ignore[index]
        record_event("auth.login", username="village_officer")
        mine = AuditLog.objects.order_by("-id").values_list("id", flat=True).first()
        assert mine is not None and mine > late
        for _ in range(3):
            chain.seal_pending()
            time.sleep(0.05)
        assert not AuditSeal.objects.filter(entry_id__gte=late).exists()
        other.commit()
    deadline = time.monotonic() + 30
    while not AuditSeal.objects.filter(entry_id=mine).exists():
        assert time.monotonic() < deadline, "the sealing horizon did not advance"
        chain.seal_pending()
        time.sleep(0.05)
    verdict = chain.verify(late, mine)
    assert verdict.ok and verdict.checked == 2
