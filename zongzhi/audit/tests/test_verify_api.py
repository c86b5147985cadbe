"""The auditor's 完整性校验: POST /api/audit/verify runs the chain check over a range, names the
first broken link in Chinese, is itself audited, and is open to the auditor only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.audit.tests.test_chain import _burn_ids, _insert_raw, _record, _seal_all

pytestmark = pytest.mark.django_db


def test_the_auditor_verifies_a_range_and_the_check_is_audited(api: Any, audit_since: Any) -> None:
    ids = _record(4)
    _seal_all()
    r = api("auditor").post("/api/audit/verify", {"from_id": ids[0], "to_id": ids[-1]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] is True and body["checked"] == 4 and body["broken"] is None
    assert body["sealed_to"] >= ids[-1]
    [entry] = audit_since("audit.verified")
    assert entry.username == "auditor"
    assert entry.detail["ok"] is True and entry.detail["checked"] == 4


def test_the_auditor_sees_the_first_broken_link(api: Any, audit_since: Any) -> None:
    first = _record(1)
    _burn_ids(2)
    after = _record(2)
    _seal_all()
    _insert_raw(first[0] + 1, "forger")
    r = api("auditor").post("/api/audit/verify", {"from_id": first[0]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ok"] is False and body["checked"] == 1
    broken = body["broken"]
    assert broken["kind"] == "forged" and broken["kind_label"] == "伪造记录"
    assert broken["entry_id"] == first[0] + 1 and "伪造" in broken["message"]
    assert after[0] > broken["entry_id"]
    [entry] = audit_since("audit.verified")
    assert entry.detail["broken_id"] == first[0] + 1 and entry.detail["kind"] == "forged"


def test_a_time_range_is_verified(api: Any) -> None:
    auditor = api("auditor")  # its login is an entry too: before the range
    start = timezone.now()
    ids = _record(3)
    _seal_all()
    r = auditor.post(
        "/api/audit/verify",
        {"since": start.isoformat(), "until": (timezone.now() + timedelta(seconds=1)).isoformat()},
    )
    body = r.json()
    assert body["ok"] is True and body["checked"] == 3
    assert (body["from_id"], body["to_id"]) == (ids[0], ids[-1])


def test_a_time_range_without_entries_verifies_nothing(api: Any) -> None:
    far = timezone.now() + timedelta(days=3650)
    r = api("auditor").post("/api/audit/verify", {"since": far.isoformat()})
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["checked"] == 0


def test_a_reversed_range_is_refused_in_chinese(api: Any) -> None:
    r = api("auditor").post("/api/audit/verify", {"from_id": 10, "to_id": 5})
    assert r.status_code == 400 and r.json()["code"] == "invalid_range"
    assert "结束编号" in r.json()["message"]
    now = timezone.now()
    r = api("auditor").post("/api/audit/verify", {"since": now.isoformat(), "until": now.isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "invalid_range"


@pytest.mark.parametrize("persona", ["county_officer", "sysadmin", "secadmin", "leader"])
def test_only_the_auditor_may_verify(api: Any, persona: str, audit_since: Any) -> None:
    r = api(persona).post("/api/audit/verify", {})
    assert r.status_code == 403
    assert audit_since("audit.verified") == []
