"""The audit log as its users see it: what a write leaves behind, that nobody can rewrite it,
and what the auditor (审计管理员) finds and exports."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from openpyxl import load_workbook

from zongzhi.audit.models import AuditLog
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db

EXPORT_HEADER = [
    "时间",
    "类别",
    "操作",
    "用户",
    "操作人辖区",
    "对象类型",
    "对象ID",
    "对象",
    "对象辖区",
    "IP",
    "请求ID",
    "字段变更",
    "详情",
]


def _rename(api: Any, unit: Any, code: str, name: str) -> None:
    r = api("sysadmin").patch(f"/api/units/{unit(code).pk}", {"name": name})
    assert r.status_code == 200, r.json()


def _create_department(api: Any, unit: Any, code: str, name: str) -> dict[str, Any]:
    r = api("sysadmin").post("/api/departments", {"unit_id": unit(code).pk, "kind_code": "01", "name": name})
    assert r.status_code == 201, r.json()
    return dict(r.json())


def _search(api: Any, **params: Any) -> list[dict[str, Any]]:
    r = api("auditor").get("/api/audit", {"limit": 500, **params})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["count"] == len(body["items"])
    return list(body["items"])


def _ids(entries: list[Any]) -> set[int]:
    return {e["id"] if isinstance(e, dict) else e.pk for e in entries}


# --- what a write leaves behind -----------------------------------------------------------------
def test_renaming_a_unit_leaves_a_change_record_and_a_business_event(api: Any, unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")
    old_name = village.name
    _rename(api, unit, "320111003001", "冯墙新社区")

    changes = audit_since(layer="change", object_type="units.unit", object_id=str(village.pk))
    assert len(changes) == 1
    change = changes[0]
    assert change.action == "update"
    assert change.changes == {"name": [old_name, "冯墙新社区"]}
    assert change.username == "sysadmin" and change.user_id == User.objects.get(username="sysadmin").pk
    assert change.object_path == "320111003001" and change.actor_path == "320111"

    event = audit_since("unit.renamed")[0]
    assert event.layer == "event" and event.username == "sysadmin"
    assert event.detail == {"from": old_name, "to": "冯墙新社区"}
    # Both layers are written in one request and carry its request id and client address.
    assert event.request_id and event.request_id == change.request_id
    assert event.ip == change.ip == "127.0.0.1"


def test_creating_a_department_records_every_field_and_the_event(api: Any, unit: Any, audit_since: Any) -> None:
    dept = _create_department(api, unit, "320111003", "沿江街道综治中心")

    change = audit_since(layer="change", object_type="units.department")[0]
    assert change.action == "create" and change.object_id == str(dept["id"])
    assert change.changes["name"] == [None, "沿江街道综治中心"]
    assert change.changes["kind_code"] == [None, "01"]
    assert change.username == "sysadmin" and change.object_path == "320111003"
    event = audit_since("department.created")[0]
    assert event.object_id == str(dept["id"]) and event.username == "sysadmin"


def test_a_refused_write_leaves_no_change_record(api: Any, unit: Any, audit_since: Any) -> None:
    r = api("sysadmin").patch(f"/api/units/{unit('320111003001').pk}", {"name": "   "})
    assert r.status_code == 400
    assert audit_since(layer="change") == []
    assert audit_since("unit.renamed") == []


# --- nobody rewrites history ------------------------------------------------------------------
def _young_entry() -> AuditLog:
    return AuditLog.objects.create(layer="event", action="auth.login", username="village_officer")


def test_the_database_refuses_to_update_an_audit_entry() -> None:
    entry = _young_entry()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditlog SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(username="someone_else")
    entry = AuditLog.objects.get(pk=entry.pk)
    assert entry.action == "auth.login" and entry.username == "village_officer"


def test_the_database_refuses_to_delete_an_entry_younger_than_180_days() -> None:
    entry = _young_entry()
    recent = AuditLog.objects.create(layer="event", action="auth.login", at=timezone.now() - timedelta(days=170))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlog")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=recent.pk).delete()
    assert AuditLog.objects.filter(pk__in=[entry.pk, recent.pk]).count() == 2


def test_an_entry_older_than_180_days_can_be_deleted() -> None:
    old = AuditLog.objects.create(layer="event", action="auth.login", at=timezone.now() - timedelta(days=200))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlog WHERE id = %s", [old.pk])
        assert cursor.rowcount == 1
    assert not AuditLog.objects.filter(pk=old.pk).exists()


def test_the_model_refuses_to_save_an_existing_entry() -> None:
    entry = _young_entry()
    entry.action = "x"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    assert AuditLog.objects.get(pk=entry.pk).action == "auth.login"


# --- the auditor's search and export ------------------------------------------------------------
def test_auditor_search_finds_exactly_the_matching_entries(api: Any, unit: Any, audit_since: Any) -> None:
    start = timezone.now()
    _rename(api, unit, "320111003001", "冯墙新社区")
    middle = timezone.now()
    _rename(api, unit, "320111004001", "江浦某社区")
    _create_department(api, unit, "320111003", "沿江街道综治中心")
    assert api("county_officer").get("/api/audit").status_code == 403
    api("auditor")  # logs in: its login is an entry too
    written = audit_since()
    assert len(written) >= 8

    def expect(keep: Any) -> set[int]:
        return {e.pk for e in written if keep(e)}

    since = {"since": start.isoformat()}
    assert _ids(_search(api, **since)) == expect(lambda e: True)
    assert _ids(_search(api, username="sysadmin", **since)) == expect(lambda e: e.username == "sysadmin")
    assert _ids(_search(api, username="county_officer", **since)) == expect(lambda e: e.username == "county_officer")
    assert _ids(_search(api, action="unit.renamed", **since)) == expect(lambda e: e.action == "unit.renamed")
    # An action prefix finds the whole family (unit.renamed, unit.moved …).
    assert _ids(_search(api, action="unit", **since)) == expect(lambda e: e.action.startswith("unit."))
    assert _ids(_search(api, layer="change", **since)) == expect(lambda e: e.layer == "change")
    assert _ids(_search(api, layer="event", action="permission.denied", **since)) == expect(
        lambda e: e.action == "permission.denied"
    )
    # A unit prefix finds what happened to objects under it or was done by people under it.
    under_township = _search(api, unit="320111003", **since)
    assert _ids(under_township) == expect(
        lambda e: e.object_path.startswith("320111003") or e.actor_path.startswith("320111003")
    )
    assert {e["object_path"] for e in under_township} == {"320111003001", "320111003"}
    village = unit("320111003001")
    by_object = _search(api, object_type="units.unit", object_id=str(village.pk), **since)
    assert {(e["layer"], e["action"]) for e in by_object} == {("change", "update"), ("event", "unit.renamed")}
    # A time range: `until` is exclusive.
    before_middle = _search(api, until=middle.isoformat(), **since)
    assert _ids(before_middle) == expect(lambda e: e.at < middle)
    assert "冯墙新社区" in json.dumps(before_middle, ensure_ascii=False)
    assert "江浦某社区" not in json.dumps(before_middle, ensure_ascii=False)
    # Newest first, with readable labels.
    found = _search(api, **since)
    assert [e["id"] for e in found] == sorted((e["id"] for e in found), reverse=True)
    assert {e["action_label"] for e in found if e["action"] == "unit.renamed"} == {"辖区更名"}


def test_auditor_search_rejects_a_unit_that_is_not_a_code(api: Any) -> None:
    r = api("auditor").get("/api/audit", {"unit": "浦口区"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input" and "区划代码" in r.json()["message"]
    r = api("auditor").get("/api/audit", {"layer": "everything"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


def test_auditor_exports_the_search_as_a_spreadsheet_and_the_export_is_audited(
    api: Any, unit: Any, audit_since: Any
) -> None:
    start = timezone.now()
    _rename(api, unit, "320111003001", "冯墙新社区")
    _rename(api, unit, "320111004001", "江浦某社区")
    _create_department(api, unit, "320111003", "沿江街道综治中心")

    r = api("auditor").get("/api/audit/export", {"since": start.isoformat(), "action": "unit.renamed"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith('attachment; filename="audit-') and ".xlsx" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    ws = wb["审计日志"]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 1 + 2
    assert {row[2] for row in rows[1:]} == {"辖区更名"}
    assert {row[3] for row in rows[1:]} == {"sysadmin"}
    assert {row[1] for row in rows[1:]} == {"业务事件"}
    assert any("冯墙新社区" in str(row[12]) for row in rows[1:])

    export = audit_since("audit.export")
    assert len(export) == 1
    assert export[0].username == "auditor" and export[0].detail["rows"] == 2
    assert export[0].detail["filters"]["action"] == "unit.renamed"


def test_a_spreadsheet_cell_never_starts_a_formula(api: Any, unit: Any) -> None:
    start = timezone.now()
    r = api("sysadmin").post("/api/departments", {"unit_id": unit("320111").pk, "kind_code": "01", "name": "=1+1"})
    assert r.status_code == 201
    r = api("auditor").get("/api/audit/export", {"since": start.isoformat(), "layer": "change"})
    rows = list(load_workbook(io.BytesIO(r.content), read_only=True)["审计日志"].iter_rows(values_only=True))
    assert len(rows) == 2
    assert "=1+1" in str(rows[1][11]) and not str(rows[1][11]).startswith("=")


# --- only the auditor reads the log -------------------------------------------------------------
@pytest.mark.parametrize("persona", ["sysadmin", "secadmin", "county_officer"])
def test_only_the_auditor_reads_the_log(api: Any, audit_since: Any, persona: str) -> None:
    r = api(persona).get("/api/audit")
    assert r.status_code == 403 and r.json()["code"] == "forbidden" and "审计日志" in r.json()["message"]
    r = api(persona).get("/api/audit/export")
    assert r.status_code == 403
    denied = audit_since("permission.denied")
    assert [(e.username, e.detail["capability"]) for e in denied] == [
        (persona, "audit.read"),
        (persona, "audit.export"),
    ]
    assert audit_since("audit.export") == []


def test_an_anonymous_client_cannot_read_the_log(client: Any) -> None:
    r = client.get("/api/audit")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


# --- personal information in the log ------------------------------------------------------------
def test_phone_numbers_are_masked_and_password_hashes_never_logged(api: Any, unit: Any, audit_since: Any) -> None:
    r = api("sysadmin").post(
        "/api/users",
        {
            "username": "wang_wu",
            "full_name": "王五",
            "phone": "13912345678",
            "unit_id": unit("320111003001").pk,
            "password": "Start#2026pw",
        },
    )
    assert r.status_code == 201, r.json()
    user_id = r.json()["id"]
    r = api("sysadmin").patch(f"/api/users/{user_id}", {"phone": "13787654321"})
    assert r.status_code == 200, r.json()
    r = api("sysadmin").post(f"/api/users/{user_id}/reset-password", {"new_password": "Other#2026pw"})
    assert r.status_code == 200, r.json()
    r = api("sysadmin").get(f"/api/users/{user_id}/phone")
    assert r.status_code == 200 and r.json()["phone"] == "13787654321"

    changes = audit_since(layer="change", object_type="units.user", object_id=str(user_id))
    assert [c.action for c in changes] == ["create", "update", "update"]
    assert changes[0].changes["phone_mask"] == [None, "139****5678"]
    assert all("phone_sealed" not in c.changes for c in changes)
    assert changes[0].changes["username"] == [None, "wang_wu"]
    assert changes[1].changes["phone_mask"] == ["139****5678", "137****4321"]
    assert all("password" not in c.changes for c in changes)
    assert "password_changed_at" in changes[2].changes  # the reset is visible, its hash is not

    unmask = audit_since("pii.unmask")[0]
    assert unmask.username == "sysadmin" and unmask.object_id == str(user_id)
    assert unmask.detail["shown"] == "137****4321"

    password_hash = User.objects.get(pk=user_id).password
    everything = json.dumps([[e.changes, e.detail, e.object_repr] for e in audit_since()], ensure_ascii=False)
    for secret in ("13912345678", "13787654321", password_hash, "argon2", "pbkdf2", "Start#2026pw", "Other#2026pw"):
        assert secret not in everything
    # Nor does the auditor's view of the log show them.
    found = json.dumps(_search(api, object_type="units.user", object_id=str(user_id)), ensure_ascii=False)
    assert "139****5678" in found and "13912345678" not in found and "argon2" not in found
