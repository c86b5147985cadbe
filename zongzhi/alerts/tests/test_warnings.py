"""Warnings (预警): issue, acknowledge, measures, level changes, reminders, lifting, lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.units.models import Department, Unit

from ..models import EarlyWarning, WarningAction, WarningLimit, WarningRecipient
from .conftest import send_captured_sms

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"  # 冯墙社区, under 沿江街道 (township_officer)
OTHER_VILLAGE = "320111004001"  # under 江浦街道 (township2_officer)
BASE = "/api/alerts/warnings"


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _issue(api: Any, who: str = "township_officer", **over: Any) -> Any:
    body = {
        "title": "冯墙社区拆迁群众反映不按意愿拆迁",
        "body": "冯墙社区村民等人对拆迁方案有异议，有越级上访苗头。",
        "level": "yellow",
        "unit_ids": [_unit(VILLAGE).pk],
        "department_ids": [],
        **over,
    }
    return api(who).post(BASE, body)


def test_township_issues_a_warning_with_ack_limits_from_the_level(api: Any, station: Department) -> None:
    WarningLimit.objects.filter(level="yellow").update(ack_hours=Decimal("2"))
    before = timezone.now()
    r = _issue(api, department_ids=[station.pk])
    assert r.status_code == 201, r.json()
    w = r.json()
    assert w["level_label"] == "黄色预警" and w["status"] == "active" and w["number"].startswith("YJ")
    assert {x["name"] for x in w["recipient_list"]} == {"冯墙社区居委会", station.name} or len(w["recipient_list"]) == 2
    for row in WarningRecipient.objects.filter(warning_id=w["id"]):
        assert before + dt.timedelta(hours=2) <= row.ack_due_at <= timezone.now() + dt.timedelta(hours=2)
    station_row = WarningRecipient.objects.get(warning_id=w["id"], department=station)
    assert station_row.path == station.unit.path
    assert [a["kind"] for a in w["timeline"]] == ["issue"]
    assert "change_level" in w["allowed_actions"] and "acknowledge" not in w["allowed_actions"]
    # the village's officer is told, with a link to the warning
    notice = Notification.objects.filter(user__username="village_officer", kind="warning").latest("id")
    assert notice.link == f"/alerts/warnings/{w['id']}" and "黄色预警" in notice.title


def test_issue_refuses_bad_input_with_codes(api: Any) -> None:
    assert _issue(api, unit_ids=[]).json()["code"] == "warning_no_recipient"
    r = _issue(api, unit_ids=[_unit(OTHER_VILLAGE).pk])
    assert r.status_code == 400 and r.json()["code"] == "warning_recipient_out_of_scope"
    v = _unit(VILLAGE).pk
    assert _issue(api, unit_ids=[v, v]).json()["code"] == "warning_recipient_duplicate"
    # several mistakes at once: one answer naming them all
    r = _issue(api, title=" ", unit_ids=[])
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {"title", "recipients"}
    # the county's police department is not in the township's scope
    county_police = Department.objects.get(name="浦口公安分局")
    assert _issue(api, unit_ids=[], department_ids=[county_police.pk]).json()["code"] == (
        "warning_recipient_out_of_scope"
    )
    assert not EarlyWarning.objects.exists()


def test_a_village_cannot_issue_and_a_subject_must_be_visible(api: Any) -> None:
    r = _issue(api, who="village_officer")
    assert r.status_code == 403
    from zongzhi.cases.models import Case

    other = Case.objects.create(
        kind="event", title="别处的事", status="pending", path=_unit(OTHER_VILLAGE).path,
        initiator_unit=_unit(OTHER_VILLAGE), holder_unit=_unit(OTHER_VILLAGE),
    )  # fmt: skip
    r = _issue(api, subject_type="case", subject_id=other.pk)
    assert r.status_code == 400 and r.json()["code"] == "warning_subject_not_visible"
    mine = Case.objects.create(
        kind="event", title="冯墙的事", status="pending", path=_unit(VILLAGE).path,
        initiator_unit=_unit(VILLAGE), holder_unit=_unit(VILLAGE),
    )  # fmt: skip
    r = _issue(api, subject_type="case", subject_id=mine.pk)
    assert r.status_code == 201 and "冯墙的事" in r.json()["subject_label"]


def test_only_a_recipient_acknowledges_and_only_once(api: Any, station_user: Any) -> None:
    w = _issue(api).json()
    # the township (sender) and the station: refused (the village's grid worker may: test_warnings_front_line)
    r = api("township_officer").post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code == 403 and r.json()["code"] == "warning_not_recipient"
    r = station_user.post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code in (403, 404)
    # another township does not even see it
    assert api("township2_officer").post(f"{BASE}/{w['id']}/acknowledge", {}).status_code == 404
    r = api("village_officer").post(f"{BASE}/{w['id']}/acknowledge", {"comment": "已收到"})
    assert r.status_code == 200, r.json()
    row = r.json()["recipient_list"][0]
    assert row["status"] == "acknowledged" and row["acknowledged_by"] == "李娜"
    assert r.json()["allowed_actions"] == ["measure"]
    r = api("village_officer").post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code == 400 and r.json()["code"] == "warning_already_acknowledged"
    assert WarningAction.objects.filter(warning_id=w["id"], kind="acknowledge").count() == 1


def test_department_recipient_acknowledges_and_reports_measures(
    api: Any, station: Department, station_user: Any
) -> None:
    w = _issue(api, department_ids=[station.pk]).json()
    r = station_user.post(f"{BASE}/{w['id']}/measures", {"text": "已布控"})
    assert r.status_code == 400 and r.json()["code"] == "warning_not_acknowledged"
    assert station_user.post(f"{BASE}/{w['id']}/acknowledge", {}).status_code == 200
    for text in ("已安排民警上门走访", "已稳控，情绪平稳"):
        r = station_user.post(f"{BASE}/{w['id']}/measures", {"text": text})
        assert r.status_code == 200
    mine = next(x for x in r.json()["recipient_list"] if x["department"])
    assert mine["measures_count"] == 2 and mine["status"] == "acknowledged"
    measures = [a["comment"] for a in r.json()["timeline"] if a["kind"] == "measure"]
    assert measures == ["已安排民警上门走访", "已稳控，情绪平稳"]
    assert station_user.post(f"{BASE}/{w['id']}/measures", {"text": " "}).json()["code"] == "required"


def test_raise_and_lower_recompute_pending_limits_and_tell_recipients(api: Any) -> None:
    WarningLimit.objects.filter(level="red").update(ack_hours=Decimal("1"))
    WarningLimit.objects.filter(level="blue").update(ack_hours=Decimal("24"))
    other = Unit.objects.filter(parent=_unit("320111003000"), level="village").exclude(code=VILLAGE).first()
    assert other is not None
    w = _issue(api, level="blue", unit_ids=[_unit(VILLAGE).pk, other.pk]).json()
    api("village_officer").post(f"{BASE}/{w['id']}/acknowledge", {})
    acked = WarningRecipient.objects.get(warning_id=w["id"], unit__code=VILLAGE)
    r = api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "red", "comment": "事态升级"})
    assert r.status_code == 200 and r.json()["level"] == "red"
    pending = WarningRecipient.objects.get(warning_id=w["id"], unit=other)
    assert pending.level == "red" and pending.ack_due_at <= timezone.now() + dt.timedelta(hours=1)
    assert WarningRecipient.objects.get(pk=acked.pk).ack_due_at == acked.ack_due_at  # acknowledged: unchanged
    step = r.json()["timeline"][-1]
    assert (step["kind"], step["from_level"], step["to_level"], step["comment"]) == ("raise", "blue", "red", "事态升级")
    assert Notification.objects.filter(user__username="village_officer", kind="warning_level").exists()
    r = api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "yellow"})
    assert r.json()["timeline"][-1]["kind"] == "lower"
    assert api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "yellow"}).json()["code"] == (
        "warning_same_level"
    )
    # a stale version is refused
    r = api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "red", "version": 1})
    assert r.status_code == 409
    # only the sender changes the level
    assert api("village_officer").post(f"{BASE}/{w['id']}/level", {"level": "red"}).status_code == 403


def test_add_recipients_and_remind(api: Any, station: Department, django_capture_on_commit_callbacks: Any) -> None:
    w = _issue(api).json()
    r = api("township_officer").post(f"{BASE}/{w['id']}/recipients", {"department_ids": [station.pk]})
    assert r.status_code == 200 and len(r.json()["recipient_list"]) == 2
    again = api("township_officer").post(f"{BASE}/{w['id']}/recipients", {"unit_ids": [_unit(VILLAGE).pk]})
    assert again.json()["code"] == "warning_recipient_duplicate"
    with django_capture_on_commit_callbacks() as callbacks:
        r = api("township_officer").post(f"{BASE}/{w['id']}/remind", {"comment": "请于今日内签收"})
    assert send_captured_sms(callbacks) >= 1
    assert r.status_code == 200 and r.json()["timeline"][-1]["kind"] == "remind"
    notice = Notification.objects.filter(user__username="village_officer", kind="warning_remind").latest("id")
    assert "请于今日内签收" in notice.body
    from zongzhi.notify.models import SmsMessage

    assert SmsMessage.objects.filter(text__contains="尚未签收").exists()


def test_lift_stops_everything_and_tells_recipients(api: Any) -> None:
    w = _issue(api).json()
    r = api("township_officer").post(f"{BASE}/{w['id']}/lift", {"note": "矛盾已化解"})
    assert r.status_code == 200 and r.json()["status"] == "lifted" and r.json()["allowed_actions"] == ["document"]
    assert Notification.objects.filter(user__username="village_officer", kind="warning_lifted").exists()
    for path, body in (("acknowledge", {}), ("measures", {"text": "x"})):
        r = api("village_officer").post(f"{BASE}/{w['id']}/{path}", body)
        assert r.json()["code"] == "warning_lifted", path
    for path, body in (("level", {"level": "red"}), ("remind", {}), ("lift", {"note": "再次"})):
        r = api("township_officer").post(f"{BASE}/{w['id']}/{path}", body)
        assert r.status_code == 400 and r.json()["code"] == "warning_lifted", path
    assert WarningRecipient.objects.get(warning_id=w["id"]).warning_status == "lifted"
    assert api("township_officer").post(f"{BASE}/{w['id']}/lift", {"note": " "}).status_code == 400


def test_every_change_is_audited(api: Any, audit_since: Any) -> None:
    w = _issue(api).json()
    api("village_officer").post(f"{BASE}/{w['id']}/acknowledge", {})
    api("village_officer").post(f"{BASE}/{w['id']}/measures", {"text": "已走访"})
    api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "red"})
    api("township_officer").post(f"{BASE}/{w['id']}/lift", {"note": "已化解"})
    actions = [e.action for e in audit_since() if e.action.startswith("warning.")]
    assert actions == [
        "warning.issued",
        "warning.acknowledged",
        "warning.measure_reported",
        "warning.level_changed",
        "warning.lifted",
    ]
    assert AuditLog.objects.filter(action="warning.issued", username="township_officer").exists()


def test_lists_boxes_and_scope(api: Any) -> None:
    w = _issue(api).json()
    other = _issue(api, title="另一条预警", level="red").json()
    api("village_officer").post(f"{BASE}/{other['id']}/acknowledge", {})
    mine = api("village_officer").get(BASE, {"box": "pending"}).json()["items"]
    assert [i["id"] for i in mine] == [w["id"]] and mine[0]["my_status"] == "pending"
    # read from the inbox index, or with a filter on the warning itself: the same rows
    searched = api("village_officer").get(BASE, {"box": "pending", "q": "冯墙"}).json()["items"]
    assert [i["id"] for i in searched] == [w["id"]]
    assert api("village_officer").get(BASE, {"box": "pending", "level": "red"}).json()["items"] == []
    acked = api("village_officer").get(BASE, {"box": "acknowledged"}).json()["items"]
    assert [i["id"] for i in acked] == [other["id"]]
    sent = api("township_officer").get(BASE, {"box": "sent"}).json()["items"]
    assert {i["id"] for i in sent} == {w["id"], other["id"]}
    assert [i["id"] for i in api("township_officer").get(BASE, {"box": "sent", "level": "red"}).json()["items"]] == [
        other["id"]
    ]
    # the village sees what it received although it lies on the township's path; the county
    # sees it through the township; the other township sees nothing of it
    assert {i["id"] for i in api("village_officer").get(BASE, {"box": "all"}).json()["items"]} == {
        w["id"],
        other["id"],
    }
    assert {i["id"] for i in api("county_officer").get(BASE).json()["items"]} >= {w["id"], other["id"]}
    assert api("township2_officer").get(BASE).json()["items"] == []
    assert api("township2_officer").get(f"{BASE}/{w['id']}").status_code == 404
    counts = api("village_officer").get(f"{BASE}/counts").json()
    assert counts["pending"] == 1 and counts["acknowledged"] == 1
    assert api("village_officer").get(f"{BASE}/total", {"box": "all"}).json() == {"count": 2, "capped": False}
    # keyset pages
    page = api("township_officer").get(BASE, {"box": "sent", "limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"] == page["items"][0]["id"]
    rest = api("township_officer").get(BASE, {"box": "sent", "limit": 1, "cursor": page["next_cursor"]}).json()
    assert rest["items"][0]["id"] != page["items"][0]["id"] and rest["next_cursor"] is None
    # a user without warning capabilities is refused
    assert api("auditor").get(BASE).status_code == 403


def test_limits_are_set_by_the_administrator(api: Any) -> None:
    r = api("township_officer").put(f"{BASE}/limits/red", {"ack_hours": "3"})
    assert r.status_code == 403
    r = api("sysadmin").put(f"{BASE}/limits/red", {"ack_hours": "0.5"})
    assert r.status_code == 200 and next(x for x in r.json() if x["level"] == "red")["ack_hours"] == "0.50"
    assert WarningLimit.objects.get(level="red").ack_hours == Decimal("0.5")
    assert api("sysadmin").put(f"{BASE}/limits/red", {"ack_hours": "0"}).status_code in (400, 422)
    levels = api("township_officer").get(f"{BASE}/limits").json()
    assert "赴京" in next(x for x in levels if x["level"] == "red")["help"]


def test_recipient_options_are_below_the_sender_in_scope(api: Any, station: Department) -> None:
    r = api("township_officer").get(f"{BASE}/recipient-options").json()
    paths = {u["path"] for u in r["units"]}
    assert _unit(VILLAGE).path in paths and all(p.startswith("320111003") and len(p) == 12 for p in paths)
    assert station.pk in {d["id"] for d in r["departments"]}
    assert "浦口公安分局" not in {d["name"] for d in r["departments"]}
    assert api("village_officer").get(f"{BASE}/recipient-options").status_code == 403


def test_the_all_list_pages_through_own_and_received_warnings_in_order(api: Any) -> None:
    """The township's 全部: its own warnings and the county's sent to it, newest first."""
    township = _unit("320111003000")
    ids = [
        _issue(api, title="街道预警一").json()["id"],
        _issue(api, who="county_officer", unit_ids=[township.pk], title="区预警").json()["id"],
        _issue(api, title="街道预警二").json()["id"],
    ]
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"box": "all", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = api("township_officer").get(BASE, params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)
    # the other township sees none of them; the county all three
    assert api("township2_officer").get(BASE, {"box": "all"}).json()["items"] == []
    assert {i["id"] for i in api("county_officer").get(BASE, {"box": "all", "q": "预警"}).json()["items"]} >= set(ids)
