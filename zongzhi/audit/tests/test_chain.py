"""The audit chain (audit/chain.py): sealed entries verify; an entry changed, deleted or
forged by someone who got past the triggers is named as the first broken link. Runs on SQLite
and on PostgreSQL; on PostgreSQL the triggers are disabled the way an owner of the table would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zongzhi.audit import chain
from zongzhi.audit.models import AuditLog, AuditSeal
from zongzhi.audit.services import record_event

pytestmark = pytest.mark.django_db

seals_migration = import_module("zongzhi.audit.migrations.0004_chain_seals")
append_only = import_module("zongzhi.audit.migrations.0002_append_only_triggers")


def _record(n: int) -> list[int]:
    for i in range(n):
        record_event("auth.login", username=f"chain_user_{i}", detail={"n": i, "名": "张三"})
    return list(AuditLog.objects.order_by("-id").values_list("id", flat=True)[:n])[::-1]


def _seal_all() -> None:
    """Seal everything committed or written by this test's own transaction. On PostgreSQL the
    horizon waits for transactions that were running at the previous run (other tests' on the
    same server too): retry for a while."""
    newest = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    deadline = time.monotonic() + 30
    while True:
        chain.seal_pending()
        if (AuditSeal.objects.order_by("-entry_id").values_list("entry_id", flat=True).first() or 0) >= newest:
            return
        assert time.monotonic() < deadline, "the sealing horizon did not advance"
        time.sleep(0.05)


@contextmanager
def _triggers_disabled() -> Iterator[Any]:
    """What an owner of the tables (or someone with the database files) can do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
        else:
            for statement in append_only.SQLITE_BACKWARD + seals_migration.SQLITE_BACKWARD:
                cursor.execute(statement)
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
        else:
            for statement in append_only.SQLITE_FORWARD + seals_migration.SQLITE_FORWARD:
                cursor.execute(statement)


def _burn_ids(count: int) -> None:
    """Leave a hole in the id sequence, as a rolled-back transaction does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for _ in range(count):
                cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditlog', 'id'))")
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = 'audit_auditlog'", [count])


def _insert_raw(entry_id: int, username: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditlog (id, at, layer, action, username, actor_path, object_type, object_id,"
            " object_repr, object_path, detail, request_id) VALUES (%s, %s, 'event', 'auth.login', %s,"
            " '', '', '', '', '', '{}', '')",
            [entry_id, timezone.now(), username],
        )


def test_a_sealed_range_verifies() -> None:
    ids = _record(5)
    _seal_all()
    verdict = chain.verify(ids[0], ids[-1])
    assert verdict.ok and verdict.checked == 5 and verdict.unsealed == 0
    assert AuditSeal.objects.filter(entry_id__in=ids).count() == 5


def test_the_whole_chain_verifies_from_its_start() -> None:
    _record(3)
    _seal_all()
    verdict = chain.verify()
    assert verdict.ok and verdict.checked == AuditLog.objects.count()


def test_entries_not_yet_sealed_are_counted_not_broken() -> None:
    first = _record(2)
    _seal_all()
    later = _record(3)
    verdict = chain.verify(first[0])
    assert verdict.ok and verdict.checked == 2 and verdict.unsealed == 3
    assert verdict.sealed_to < later[0]


def test_an_entry_changed_with_triggers_disabled_is_the_first_broken_link() -> None:
    ids = _record(5)
    _seal_all()
    with _triggers_disabled() as cursor:
        cursor.execute("UPDATE audit_auditlog SET username = 'someone_else' WHERE id = %s", [ids[2]])
    verdict = chain.verify(ids[0], ids[-1])
    assert verdict.broken is not None
    assert (verdict.broken.kind, verdict.broken.entry_id) == ("changed", ids[2])
    assert verdict.checked == 2
    assert f"第 {ids[2]} 条记录" in verdict.broken.message and "被修改" in verdict.broken.message


def test_a_changed_json_detail_is_caught_too() -> None:
    ids = _record(3)
    _seal_all()
    with _triggers_disabled() as cursor:
        cursor.execute("UPDATE audit_auditlog SET detail = %s WHERE id = %s", ['{"n": 99, "名": "张三"}', ids[1]])
    broken = chain.verify(ids[0]).broken
    assert broken is not None and (broken.kind, broken.entry_id) == ("changed", ids[1])


def test_a_deleted_entry_is_the_first_broken_link() -> None:
    ids = _record(5)
    _seal_all()
    with _triggers_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [ids[3]])
    broken = chain.verify(ids[0], ids[-1]).broken
    assert broken is not None and (broken.kind, broken.entry_id) == ("deleted", ids[3])
    assert "被删除" in broken.message


def test_an_entry_deleted_with_its_seal_breaks_the_next_link() -> None:
    ids = _record(5)
    _seal_all()
    with _triggers_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [ids[1]])
        cursor.execute("DELETE FROM audit_auditseal WHERE entry_id = %s", [ids[1]])
    broken = chain.verify(ids[0], ids[-1]).broken
    assert broken is not None and (broken.kind, broken.entry_id) == ("deleted", ids[2])
    assert f"第 {ids[0]} 条与第 {ids[2]} 条" in broken.message


def test_a_forged_insert_below_the_sealed_horizon_is_the_first_broken_link() -> None:
    first = _record(2)
    _burn_ids(3)
    after = _record(2)
    _seal_all()
    hole = first[-1] + 1
    assert hole < after[0]
    # INSERT is allowed (to the application role too): no trigger needs disabling.
    _insert_raw(hole, "forger")
    broken = chain.verify(first[0], after[-1]).broken
    assert broken is not None and (broken.kind, broken.entry_id) == ("forged", hole)
    assert "伪造" in broken.message


def test_a_forged_seal_for_a_changed_entry_does_not_verify() -> None:
    """Replacing the link too needs the key: a mac made with another key breaks the chain."""
    ids = _record(3)
    _seal_all()
    values = AuditLog.objects.filter(id=ids[1]).values_list(*chain.FIELDS).get()
    prev = bytes(AuditSeal.objects.get(entry_id=ids[0]).mac)
    forged = chain.link(b"\x00" * 32, prev, values)
    with _triggers_disabled() as cursor:
        cursor.execute("UPDATE audit_auditseal SET mac = %s WHERE entry_id = %s", [forged, ids[1]])
    broken = chain.verify(ids[0]).broken
    assert broken is not None and (broken.kind, broken.entry_id) == ("changed", ids[1])


def test_entries_purged_after_the_retention_period_do_not_break_the_chain() -> None:
    old = AuditLog.objects.create(layer="event", action="auth.login", at=timezone.now() - timedelta(days=200))
    ids = _record(2)
    _seal_all()
    call_command("purge_audit", stdout=None)
    assert not AuditLog.objects.filter(pk=old.pk).exists()
    verdict = chain.verify(old.pk, ids[-1])
    assert verdict.ok and verdict.purged == 1 and verdict.checked == 2


def test_a_long_range_is_read_in_chunks(monkeypatch: Any) -> None:
    monkeypatch.setattr(chain, "CHUNK", 3)
    monkeypatch.setattr(chain, "SEAL_CHUNK", 4)
    ids = _record(10)
    _seal_all()
    assert chain.verify(ids[0], ids[-1]).checked == 10
    with _triggers_disabled() as cursor:
        cursor.execute("UPDATE audit_auditlog SET action = 'x' WHERE id = %s", [ids[8]])
    broken = chain.verify(ids[0], ids[-1]).broken
    assert broken is not None and broken.entry_id == ids[8]


def test_a_seal_can_be_neither_changed_nor_deleted() -> None:
    ids = _record(1)
    _seal_all()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditseal SET prev_id = NULL WHERE entry_id = %s", [ids[0]])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditseal")
    assert AuditSeal.objects.filter(entry_id=ids[0]).exists()


# --- the key ------------------------------------------------------------------------------------


def test_production_without_an_audit_key_refuses_to_seal(settings: Any) -> None:
    settings.AUDIT_KEY = ""
    settings.EMBEDDED = False
    with pytest.raises(ImproperlyConfigured, match="ZONGZHI_AUDIT_KEY"):
        chain.seal_pending()


def test_the_deploy_check_requires_the_audit_key(settings: Any) -> None:
    from zongzhi.core.checks import audit_key_configured

    settings.AUDIT_KEY = ""
    settings.EMBEDDED = False
    assert [e.id for e in audit_key_configured(None)] == ["core.E002"]
    settings.AUDIT_KEY = "ab" * 32
    assert audit_key_configured(None) == []


def test_the_embedded_default_keeps_its_key_in_a_file(settings: Any, tmp_path: Any) -> None:
    settings.AUDIT_KEY = ""
    settings.EMBEDDED = True
    settings.DATA_DIR = tmp_path
    key = chain.audit_key()
    assert len(key) == 32 and (tmp_path / "audit.key").exists()
    assert chain.audit_key() == key


def test_entries_sealed_under_another_key_do_not_verify(settings: Any) -> None:
    ids = _record(2)
    _seal_all()
    settings.AUDIT_KEY = "7c" * 32
    broken = chain.verify(ids[0]).broken
    assert broken is not None and broken.kind == "changed"


def test_the_sealing_job_is_scheduled() -> None:
    from celery import current_app
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["seal-audit"]["task"] == "audit.seal"
    entry = _record(1)[0]
    deadline = time.monotonic() + 30
    while not AuditSeal.objects.filter(entry_id=entry).exists():  # two runs on PostgreSQL
        assert time.monotonic() < deadline
        current_app.tasks["audit.seal"]()


def test_the_verify_command_fails_at_the_first_broken_link(audit_since: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError

    ids = _record(3)
    call_command("seal_audit", stdout=StringIO())
    _seal_all()
    out = StringIO()
    call_command("verify_audit", "--from-id", str(ids[0]), "--to-id", str(ids[-1]), stdout=out)
    assert "verified: 3 entries" in out.getvalue()
    with _triggers_disabled() as cursor:
        cursor.execute("UPDATE audit_auditlog SET object_repr = 'x' WHERE id = %s", [ids[0]])
    with pytest.raises(CommandError, match=f"第 {ids[0]} 条记录"):
        call_command("verify_audit", "--from-id", str(ids[0]))
    assert [e.detail["ok"] for e in audit_since("audit.verified")] == [True, False]
