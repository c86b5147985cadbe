"""Information reports: lists and counts, classification (秘密), and the time-limit sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts import services_reports
from zongzhi.alerts.models import InfoAction, InformationReport
from zongzhi.alerts.tasks_reports import sweep_reports
from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.units.models import Role, User

from .test_reports import URL, act, report

pytestmark = pytest.mark.django_db


def grant_secret(username: str) -> None:
    """Give the user a role with `alerts.secret` (the security administrator's grant)."""
    role, _ = Role.objects.get_or_create(
        code="secret_reader", defaults={"name": "涉密信息查阅", "capabilities": ["alerts.secret"]}
    )
    User.objects.get(username=username).roles.add(role)


# --- lists ---------------------------------------------------------------------------------------
def test_tabs_and_filters_select_what_a_user_expects(api: Any, unit: Any) -> None:
    major = report(api, title="重大聚集信息")
    normal = report(api, title="一般矛盾信息", urgency="normal", category_code="11")
    act(api, "village_officer", major["id"], "forward")
    village = api("village_officer")
    todo = village.get(URL, {"box": "todo"}).json()["items"]
    assert [r["id"] for r in todo] == [normal["id"]]
    sent = village.get(URL, {"box": "sent"}).json()["items"]
    assert [r["id"] for r in sent] == [major["id"]]
    mine = api("grid_worker").get(URL, {"box": "mine"}).json()["items"]
    assert {r["id"] for r in mine} == {major["id"], normal["id"]}
    town = api("township_officer")
    assert [r["id"] for r in town.get(URL, {"box": "todo"}).json()["items"]] == [major["id"]]
    assert [r["id"] for r in town.get(URL, {"box": "all", "urgency": "normal"}).json()["items"]] == [normal["id"]]
    assert [r["id"] for r in town.get(URL, {"box": "all", "category": "11"}).json()["items"]] == [normal["id"]]
    assert town.get(URL, {"box": "all", "under": unit("320111003001").pk}).json()["items"][0]["id"] == normal["id"]
    counts = village.get(f"{URL}/counts").json()
    assert counts == {"todo": 1, "sent": 1, "mine": 0, "overdue": 0}
    assert village.get(f"{URL}/total", {"box": "all"}).json() == {"count": 2, "capped": False}
    other = api("township2_officer").get(URL, {"box": "all"}).json()["items"]
    assert other == []


def test_keyset_pages_do_not_repeat_rows(api: Any) -> None:
    ids = [report(api, title=f"第{i}条信息", urgency="normal")["id"] for i in range(5)]
    client = api("village_officer")
    first = client.get(URL, {"box": "todo", "limit": 3}).json()
    second = client.get(URL, {"box": "todo", "limit": 3, "cursor": first["next_cursor"]}).json()
    got = [r["id"] for r in first["items"] + second["items"]]
    assert got == sorted(ids, reverse=True) and second["next_cursor"] is None


# --- classification ------------------------------------------------------------------------------
def test_secret_reports_are_masked_in_lists_and_refused_without_the_grant(api: Any, audit_since: Any) -> None:
    secret = report(api, title="涉密人员活动情况", classification="secret")
    assert secret["classification_label"] == "秘密" and secret["masked"] is False  # the reporter's own
    rows = api("village_officer").get(URL, {"box": "todo"}).json()["items"]
    row = next(r for r in rows if r["id"] == secret["id"])
    assert row["masked"] is True and row["title"] == "秘密信息" and row["classification"] == "secret"
    opened = api("village_officer").get(f"{URL}/{secret['id']}")
    assert opened.status_code == 403 and opened.json()["code"] == "secret_denied"
    assert set(opened.json()) <= {"code", "message", "errors"}
    assert audit_since("permission.denied", username="village_officer")
    # the notice names no secret title
    notice = Notification.objects.get(user__username="village_officer", kind="info_new")
    assert "涉密" not in notice.body and "秘密信息" in notice.body


def test_opening_a_secret_report_with_the_grant_is_audited_each_time(api: Any, audit_since: Any) -> None:
    secret = report(api, title="涉密人员活动情况", classification="secret")
    grant_secret("village_officer")
    client = api("village_officer", fresh=True)
    for _ in range(2):
        r = client.get(f"{URL}/{secret['id']}")
        assert r.status_code == 200 and r.json()["title"] == "涉密人员活动情况"
        assert r.json()["classification_label"] == "秘密"
    assert len(audit_since("info.secret_opened", username="village_officer")) == 2
    opens = InfoAction.objects.filter(report_id=secret["id"], kind="open")
    assert opens.count() == 2
    rows = client.get(URL, {"box": "todo"}).json()["items"]
    assert next(r for r in rows if r["id"] == secret["id"])["masked"] is False
    # actions on it need the grant too: the township without it cannot act once it holds it
    assert act(api, "village_officer", secret["id"], "forward").status_code == 200
    refused = act(api, "township_officer", secret["id"], "close", {"comment": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "secret_denied"


def test_normal_reports_open_without_an_audit_of_the_open(api: Any, audit_since: Any) -> None:
    r = report(api)
    assert api("village_officer").get(f"{URL}/{r['id']}").status_code == 200
    assert not audit_since("info.secret_opened")
    assert not AuditLog.objects.filter(action="info.secret_opened").exists()


# --- the sweep -----------------------------------------------------------------------------------
def test_the_sweep_flags_overdue_reports_once_and_tells_holder_and_parent(api: Any) -> None:
    late = report(api, title="超时的重大信息", learned_at=(timezone.now() - dt.timedelta(hours=2)).isoformat())
    fresh = report(api, title="刚获知的重大信息")
    normal = report(api, title="一般信息", urgency="normal")
    assert sweep_reports() == {"overdue": 1}
    flagged = set(InformationReport.objects.filter(is_overdue=True).values_list("pk", flat=True))
    assert flagged == {late["id"]} and fresh["id"] not in flagged and normal["id"] not in flagged
    holder = Notification.objects.filter(user__username="village_officer", kind="info_overdue")
    parent = Notification.objects.filter(user__username="township_officer", kind="info_overdue_parent")
    assert holder.count() == 1 and parent.count() == 1
    assert parent.get().link == f"/alerts/reports/{late['id']}"
    assert "冯墙社区" in parent.get().body
    assert services_reports.sweep() == {"overdue": 0}  # once
    assert holder.count() == 1
    counts = api("village_officer").get(f"{URL}/counts").json()
    assert counts["overdue"] == 1
    only = api("village_officer").get(URL, {"box": "todo", "overdue": True}).json()["items"]
    assert [r["id"] for r in only] == [late["id"]]
    # forwarding clears the flag: the township's own clock starts
    out = act(api, "village_officer", late["id"], "forward")
    assert out.json()["is_overdue"] is False


def test_the_sweep_is_in_the_beat_schedule(settings: Any) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "alerts.sweep_reports" in tasks
