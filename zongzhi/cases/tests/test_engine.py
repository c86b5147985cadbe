"""The case engine end to end: report, accept, dispatch, escalate, supervise, complete,
confirm, follow up, archive; deadlines on the holiday calendar; yellow and red cards."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import chinese_calendar
import pytest
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.cases import rules
from zongzhi.cases.models import Case, CaseAction
from zongzhi.cases.sweep import sweep
from zongzhi.notify.models import Notification
from zongzhi.units.models import Department, Unit, User

pytestmark = pytest.mark.django_db

GRID_1 = "320111003001001"


def _center(code: str) -> tuple[float, float]:
    ring = Unit.objects.get(code=code).boundary["coordinates"][0]
    lng = sum(p[0] for p in ring[:4]) / 4
    lat = sum(p[1] for p in ring[:4]) / 4
    return lat, lng


def _report(api: Any, who: str = "grid_worker", **extra: Any) -> Any:
    lat, lng = _center(GRID_1)
    body = {
        "kind": "event",
        "title": "王某某与黄某某的劳资纠纷",
        "description": "工资拖欠三个月",
        "category_code": "0108",
        "occurred_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "people_count": 2,
        "parties": [{"name": "王某某", "role": "申请人"}, {"name": "黄某某", "role": "被申请人"}],
        "latitude": lat,
        "longitude": lng,
        "address": "冯墙社区某工地",
        **extra,
    }
    return api(who).post("/api/cases", body)


def _event_without_position(api: Any, who: str, title: str, category_code: str) -> Any:
    """An event reported an hour after it happened, with no position (it lands at the office)."""
    occurred = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    body = {"kind": "event", "title": title, "category_code": category_code, "occurred_at": occurred}
    return api(who).post("/api/cases", body)


def _do(api: Any, who: str, case: dict[str, Any], action: str, **body: Any) -> Any:
    return api(who).post(f"/api/cases/{case['id']}/actions/{action}", {"version": case["version"], **body})


def test_grid_worker_reports_from_the_phone_and_the_village_sees_it(api: Any) -> None:
    r = _report(api)
    assert r.status_code == 201, r.json()
    case = r.json()["case"]
    assert case["status"] == "pending" and case["holder_name"] == "冯墙社区居委会"
    assert case["path"] == GRID_1  # placed in the grid by point-in-polygon
    assert case["number"].startswith("SJ") and case["category_label"] == "劳资纠纷"
    detail = api("grid_worker").get(f"/api/cases/{case['id']}").json()
    assert [p["code"] for p in detail["place"]][-1] == GRID_1
    assert [a["action"] for a in detail["timeline"]] == ["report"]
    todo = api("village_officer").get("/api/cases", {"box": "todo"}).json()["items"]
    assert case["id"] in [c["id"] for c in todo]
    assert api("village_officer").get("/api/auth/me").json()["todo_count"] >= 1
    note = Notification.objects.filter(user__username="village_officer", case_id=case["id"]).get()
    assert note.kind == "new" and "劳资纠纷" in note.body
    assert api("village_officer").get(f"/api/cases/{case['id']}").json()["allowed_actions"] == [
        "accept",
        "return",
        "escalate",
    ]


def test_resending_the_same_offline_report_creates_one_case(api: Any) -> None:
    client_id = str(uuid.uuid4())
    first = _report(api, client_id=client_id)
    second = _report(api, client_id=client_id)
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["created"] is False and second.json()["case"]["id"] == first.json()["case"]["id"]
    assert Case.objects.filter(client_id=client_id).count() == 1


def test_event_must_be_entered_within_ten_days(api: Any) -> None:
    r = _report(api, occurred_at=(timezone.now() - dt.timedelta(days=11)).isoformat())
    assert r.status_code == 400 and r.json()["code"] == "entered_too_late" and "10日内" in r.json()["message"]
    r = _report(api, category_code="9999")
    assert r.status_code == 400 and r.json()["code"] == "code_unknown"
    assert not Case.objects.exists()


def test_a_dispute_walks_up_and_down_and_closes_where_it_started(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "accept").json()
    assert case["status"] == "in_progress"
    r = _do(api, "village_officer", case, "escalate")
    assert r.status_code == 400 and r.json()["code"] == "comment_required"
    case = _do(api, "village_officer", case, "escalate", comment="涉及多个单位，社区无法协调").json()
    assert case["holder_name"] == "沿江街道" and case["status"] == "pending"
    case = _do(api, "township_officer", case, "accept").json()
    case = _do(api, "township_officer", case, "escalate", comment="需区级部门处理").json()
    case = _do(api, "county_officer", case, "accept").json()
    # 南京市 above the county has nobody to accept it: not offered, and refused if tried
    assert "escalate" not in case["allowed_actions"] and "dispatch" in case["allowed_actions"]
    r = _do(api, "county_officer", case, "escalate", comment="上报市里")
    assert r.status_code == 403 and r.json()["code"] == "action_not_allowed"
    police = Department.objects.get(name="浦口公安分局")
    case = _do(api, "county_officer", case, "dispatch", target_department_id=police.pk, comment="请公安分局处理").json()
    assert case["holder_name"] == "浦口公安分局"
    # the leader supervises; the holder sees it
    case = _do(api, "leader", case, "supervise", level=2, comment="请尽快办理").json()
    assert case["supervision"] == 2
    told = Notification.objects.get(user__username="dept_police", kind="supervised")
    assert told.title == "办件被黄牌督办" and "被上级黄牌督办" in told.body  # the card is named
    case = _do(api, "dept_police", case, "accept").json()
    case = _do(api, "dept_police", case, "progress", comment="已约谈双方").json()
    steps = api("county_officer").get(f"/api/cases/{case['id']}").json()["timeline"]
    assert [s["actor_unit"] for s in steps if s["action"] == "progress"] == ["浦口公安分局"]  # not 浦口区
    case = _do(api, "dept_police", case, "complete", result="双方达成调解协议，工资已支付").json()
    # 谁发起、谁办结: back to the grid worker who reported it
    assert case["status"] == "awaiting_confirmation" and case["holder_name"] == "冯墙社区第1网格"
    r = _do(api, "grid_worker", case, "reject", comment="")
    assert r.status_code == 400
    case = _do(api, "grid_worker", case, "confirm").json()
    assert case["status"] == "completed"
    r = _do(api, "grid_worker", case, "archive")
    assert r.status_code == 400 and r.json()["code"] == "follow_up_required"
    case = _do(api, "grid_worker", case, "follow_up", satisfaction="满意", comment="电话回访").json()
    case = _do(api, "grid_worker", case, "archive").json()
    assert case["status"] == "archived" and case["allowed_actions"] == []
    steps = [t["action"] for t in case["timeline"]]
    assert steps == [
        "report",
        "accept",
        "escalate",
        "accept",
        "escalate",
        "accept",
        "dispatch",
        "supervise",
        "accept",
        "progress",
        "complete",
        "confirm",
        "follow_up",
        "archive",
    ]
    assert all(t["actor_name"] for t in case["timeline"])
    assert AuditLog.objects.filter(action="case.dispatch", object_id=str(case["id"])).exists()


def test_rejected_result_goes_back_to_who_completed_it(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "accept").json()
    case = _do(api, "village_officer", case, "complete", result="已调解").json()
    assert case["status"] == "awaiting_confirmation"
    case = _do(api, "grid_worker", case, "reject", comment="当事人仍不满意").json()
    assert case["status"] == "in_progress" and case["holder_name"] == "冯墙社区居委会"


def test_return_to_the_reporter_and_resubmit(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "return", comment="请补充当事人联系方式").json()
    assert case["status"] == "returned" and case["holder_name"] == "冯墙社区第1网格"
    assert Notification.objects.filter(user__username="grid_worker", kind="returned").exists()
    assert set(case["allowed_actions"]) == set()  # the village no longer holds it
    detail = api("grid_worker").get(f"/api/cases/{case['id']}").json()
    assert set(detail["allowed_actions"]) == {"resubmit", "cancel"}
    case = _do(api, "grid_worker", detail, "resubmit", comment="已补充").json()
    assert case["status"] == "pending" and case["holder_name"] == "冯墙社区居委会"


def test_two_people_acting_at_once_exactly_one_succeeds(api: Any) -> None:
    case = _report(api).json()["case"]
    first = _do(api, "village_officer", case, "accept")
    second = _do(api, "village_officer", case, "return", comment="重复")
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["message"].startswith("案件已被他人处理")
    assert CaseAction.objects.filter(case_id=case["id"]).count() == 2  # report + accept


def test_only_the_holder_acts_and_outsiders_see_nothing(api: Any) -> None:
    case = _report(api).json()["case"]
    r = _do(api, "township_officer", case, "accept")
    assert r.status_code == 403 and r.json()["code"] == "action_not_allowed"
    r = api("township2_officer").get(f"/api/cases/{case['id']}")
    assert r.status_code == 404
    assert AuditLog.objects.filter(action="scope.denied", username="township2_officer").exists()
    assert api("township2_officer").get("/api/cases", {"box": "all"}).json()["items"] == []
    r = _do(api, "township2_officer", case, "supervise", level=1, comment="x")
    assert r.status_code == 404
    leader = api("leader").get(f"/api/cases/{case['id']}").json()
    assert leader["allowed_actions"] == ["supervise"]


def test_mass_incident_needs_the_approval_of_the_unit_above(api: Any) -> None:
    case = _report(api, people_count=15, title="冯墙社区15户居民与某公司的征地拆迁纠纷").json()["case"]
    assert case["status"] == "awaiting_approval" and case["is_mass_incident"] is True
    assert case["holder_name"] == "沿江街道"
    case = _do(api, "township_officer", case, "approve", comment="同意录入").json()
    assert case["status"] == "pending" and case["holder_name"] == "冯墙社区居委会"


def test_extension_is_approved_by_the_unit_above(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "accept").json()
    due = dt.datetime.fromisoformat(case["due_at"])
    case = _do(api, "village_officer", case, "request_extension", days=5, comment="当事人外出").json()
    assert "approve_extension" not in case["allowed_actions"]
    detail = api("township_officer").get(f"/api/cases/{case['id']}").json()
    assert "approve_extension" in detail["allowed_actions"]
    case = _do(api, "township_officer", detail, "approve_extension", comment="同意").json()
    assert dt.datetime.fromisoformat(case["due_at"]) > due and case["extension_granted_days"] == 5


def test_township_hands_a_task_down_with_a_deadline(api: Any, unit: Any) -> None:
    due = timezone.localdate() + dt.timedelta(days=7)
    r = api("township_officer").post(
        "/api/cases",
        {
            "kind": "task",
            "title": "开展矛盾纠纷集中排查",
            "target_unit_id": unit("320111003001").pk,
            "due_date": due.isoformat(),
            "details": {"requirements": "每户走访"},
        },
    )
    assert r.status_code == 201, r.json()
    case = r.json()["case"]
    assert case["holder_name"] == "冯墙社区居委会" and case["kind_label"] == "任务分派"
    r = api("township_officer").post(
        "/api/cases",
        {"kind": "task", "title": "越级分派", "target_unit_id": unit("320111004001").pk, "due_date": due.isoformat()},
    )
    assert r.status_code == 400 and r.json()["code"] == "target_invalid"
    case = _do(api, "village_officer", case, "accept").json()
    assert timezone.localtime(dt.datetime.fromisoformat(case["due_at"])).date() == due


def test_rectification_notice_needs_measures_and_a_plan(api: Any, unit: Any) -> None:
    body = {
        "kind": "rectification",
        "title": "某工地消防隐患整改",
        "target_unit_id": unit("320111003001").pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "details": {"hazard": "灭火器过期"},
    }
    r = api("township_officer").post("/api/cases", body)
    assert r.status_code == 400 and r.json()["code"] == "details_invalid" and "整改措施" in r.json()["message"]
    body["details"] = {
        "hazard": "灭火器过期",
        "measures": "更换灭火器",
        "funds": "2000元",
        "contingency_plan": "设专人值守",
    }
    assert api("township_officer").post("/api/cases", body).status_code == 201


def test_petition_follows_the_regulations_time_limits(api: Any) -> None:
    r = api("township_officer").post(
        "/api/cases",
        {
            "kind": "petition",
            "title": "关于小区噪音扰民的来访",
            "details": {"form": "来访", "petitioner_name": "赵某某"},
        },
    )
    case = r.json()["case"]
    created = dt.datetime.fromisoformat(case["created_at"])
    assert (dt.datetime.fromisoformat(case["due_at"]) - created).days == 15  # decide within 15 days
    case = _do(api, "township_officer", case, "accept").json()
    assert 59 <= (dt.datetime.fromisoformat(case["due_at"]) - created).days <= 60  # handle within 60 days
    r = _do(api, "township_officer", case, "request_extension", days=31, comment="情况复杂")
    assert r.status_code == 400 and r.json()["code"] == "extension_invalid"


def _working_days_oracle(start: dt.date, n: int) -> dt.date:
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


def test_handling_deadline_counts_working_days_across_national_day() -> None:
    case = Case(kind="event", category_code="0108", urgency="normal")
    start = timezone.make_aware(dt.datetime(2026, 9, 24, 10, 0))
    due = rules.deadline(case, "handle", start)
    assert due is not None
    expected = _working_days_oracle(dt.date(2026, 9, 24), 15)
    assert timezone.localtime(due).date() == expected
    assert (expected - dt.date(2026, 9, 24)).days > 21  # the holiday and 调休 are counted


def test_urgent_events_count_hours() -> None:
    case = Case(kind="event", category_code="0108", urgency="urgent")
    start = timezone.make_aware(dt.datetime(2026, 10, 1, 10, 0))  # a holiday: hours still run
    assert rules.deadline(case, "handle", start) == start + dt.timedelta(hours=24)


def test_overdue_cases_get_a_yellow_then_a_red_card_once(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "accept").json()
    Case.objects.filter(pk=case["id"]).update(due_at=timezone.now() - dt.timedelta(hours=1))
    counts = sweep()
    assert counts["yellow"] == 1
    row = Case.objects.get(pk=case["id"])
    assert row.overdue_level == 2 and row.red_card_at is not None
    assert Notification.objects.filter(user__username="village_officer", kind="overdue").count() == 1
    assert Notification.objects.filter(user__username="township_officer", kind="overdue_parent").count() == 1
    assert sweep()["yellow"] == 0  # claimed: nobody is told twice
    assert Notification.objects.filter(user__username="village_officer", kind="overdue").count() == 1
    overdue = api("township_officer").get("/api/cases", {"box": "overdue"}).json()["items"]
    assert [c["id"] for c in overdue] == [case["id"]]
    Case.objects.filter(pk=case["id"]).update(red_card_at=timezone.now() - dt.timedelta(minutes=1))
    assert sweep()["red"] == 1
    assert Case.objects.get(pk=case["id"]).overdue_level == 3
    actions = list(CaseAction.objects.filter(case_id=case["id"]).values_list("action", flat=True))
    assert actions[-2:] == ["overdue_yellow", "overdue_red"]
    yellow = CaseAction.objects.get(case_id=case["id"], action="overdue_yellow")
    assert yellow.data["level"] == 2 and yellow.data["due_at"] and yellow.actor_name == "系统"
    detail = api("township_officer").get(f"/api/cases/{case['id']}").json()
    assert detail["timeline"][-1]["action_label"] == "超期红牌"


def test_approaching_deadline_reminds_the_holder_once(api: Any) -> None:
    case = _report(api).json()["case"]
    Case.objects.filter(pk=case["id"]).update(due_at=timezone.now() + dt.timedelta(hours=2))
    assert sweep()["due_soon"] == 1 and sweep()["due_soon"] == 0
    assert Notification.objects.filter(user__username="village_officer", kind="due_soon").count() == 1


def test_lists_filter_and_page_by_keyset(api: Any) -> None:
    ids = [
        _report(api, title=f"张某某与李某某的邻里纠纷{i}", category_code="0102").json()["case"]["id"] for i in range(5)
    ]
    client = api("village_officer")
    page1 = client.get("/api/cases", {"box": "todo", "limit": 2}).json()
    assert [c["id"] for c in page1["items"]] == sorted(ids, reverse=True)[:2]
    page2 = client.get("/api/cases", {"box": "todo", "limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [c["id"] for c in page2["items"]] == sorted(ids, reverse=True)[2:4]
    assert (
        client.get("/api/cases", {"box": "todo", "category": "0102", "q": "邻里纠纷3"}).json()["items"][0]["id"]
        == ids[3]
    )
    counts = client.get("/api/cases/counts").json()
    assert counts["todo"] == 5
    assert api("grid_worker").get("/api/cases/counts").json()["mine"] == 5


def test_notifications_bell(api: Any) -> None:
    _report(api)
    client = api("village_officer")
    assert client.get("/api/notifications/unread").json()["unread"] == 1
    items = client.get("/api/notifications").json()["items"]
    assert items[0]["title"] == "新的待办"
    assert client.post("/api/notifications/read", {"ids": [items[0]["id"]]}).json()["unread"] == 0
    assert User.objects.get(username="village_officer").notifications.filter(read_at__isnull=True).count() == 0


def test_acting_on_a_case_settles_the_notices_that_asked_for_it(api: Any) -> None:
    """The village accepts the new case: its 新的待办 notice is read, other notices stay unread."""
    first = _report(api).json()["case"]
    _report(api, title="李某某与赵某某的邻里纠纷", category_code="0102")
    client = api("village_officer")
    assert client.get("/api/notifications/unread").json()["unread"] == 2
    accepted = _do(api, "village_officer", first, "accept")
    assert accepted.status_code == 200, accepted.json()
    assert client.get("/api/notifications/unread").json()["unread"] == 1
    unread = client.get("/api/notifications", {"unread": True}).json()["items"]
    assert [n["case_id"] for n in unread] != [first["id"]]


def test_an_office_reporting_what_it_handles_gets_no_new_case_notice(api: Any) -> None:
    """The county reports an event it handles itself: it is in progress at once, and nobody is
    told 新的待办 about their own report; the village's report still tells the village."""
    own = _event_without_position(api, "county_officer", "区综治中心发现的道路积水", "0102")
    assert own.status_code == 201, own.json()
    assert own.json()["case"]["status"] == "in_progress"
    assert api("county_officer").get("/api/notifications/unread").json()["unread"] == 0
    _report(api)
    assert api("village_officer").get("/api/notifications/unread").json()["unread"] == 1


def test_a_report_from_outside_the_workers_grids_is_flagged_to_the_village(api: Any) -> None:
    """The position lies in another township's grid: the case stays with the reporter's village
    (not moved into a unit they do not work for), marked, and the village is told to check."""
    elsewhere = Unit.objects.filter(level="grid", boundary__isnull=False).exclude(path__startswith=GRID_1[:9]).first()
    assert elsewhere is not None
    lat, lng = _center(elsewhere.code)
    case = _report(api, latitude=lat, longitude=lng).json()["case"]
    assert case["holder_name"] == "冯墙社区居委会" and not case["path"].startswith(elsewhere.path)
    detail = api("village_officer").get(f"/api/cases/{case['id']}").json()
    assert detail["details"]["located_in_grid"] is False
    told = Notification.objects.get(user__username="village_officer", case_id=case["id"])
    assert "上报位置不在上报人负责的网格内" in told.body
    inside = _report(api, title="郑某某与王某某的邻里纠纷", category_code="0102").json()["case"]
    told = Notification.objects.get(user__username="village_officer", case_id=inside["id"])
    assert "网格内" not in told.body


def test_empty_required_detail_says_required(api: Any, unit: Any) -> None:
    body = {
        "kind": "rectification",
        "title": "某工地消防隐患整改",
        "target_unit_id": unit("320111003001").pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "details": {"hazard": "", "measures": "更换", "contingency_plan": "值守"},
    }
    r = api("township_officer").post("/api/cases", body)
    assert r.status_code == 400 and "隐患情况：必填" in r.json()["message"]


def test_the_sweep_is_registered_for_the_in_process_scheduler() -> None:
    from celery import current_app
    from django.conf import settings

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in current_app.tasks
    assert current_app.tasks["cases.sweep_deadlines"]() == {"due_soon": 0, "yellow": 0, "red": 0}


def test_sweep_works_through_every_batch(api: Any, monkeypatch: Any) -> None:
    import zongzhi.cases.sweep as sweep_module

    monkeypatch.setattr(sweep_module, "BATCH", 2)
    for i in range(5):
        _report(api, title=f"张某某与李某某的邻里纠纷{i}", category_code="0102")
    Case.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    assert sweep()["yellow"] == 5
    assert Case.objects.filter(overdue_level=2).count() == 5
    assert Notification.objects.filter(user__username="village_officer", kind="overdue").count() == 5


def test_administrator_changes_a_deadline_rule_and_it_applies_at_once(api: Any) -> None:
    rules_list = api("village_officer").get("/api/cases/deadline-rules").json()
    dispute = next(
        r for r in rules_list if r["kind"] == "event" and r["stage"] == "handle" and r["category_prefix"] == "01"
    )
    assert dispute["amount"] == 15 and dispute["measure_label"] == "工作日"
    r = api("village_officer").patch(f"/api/cases/deadline-rules/{dispute['id']}", {"amount": 3, "measure": "hours"})
    assert r.status_code == 403
    r = api("sysadmin").patch(f"/api/cases/deadline-rules/{dispute['id']}", {"amount": 900, "measure": "hours"})
    assert r.status_code in (400, 422)
    r = api("sysadmin").patch(f"/api/cases/deadline-rules/{dispute['id']}", {"amount": 3, "measure": "hours"})
    assert r.status_code == 200 and r.json()["amount"] == 3
    assert AuditLog.objects.filter(action="case.rule_changed", username="sysadmin").exists()
    case = _report(api).json()["case"]
    before = timezone.now()
    case = _do(api, "village_officer", case, "accept").json()
    due = dt.datetime.fromisoformat(case["due_at"])
    assert before + dt.timedelta(hours=2, minutes=59) <= due <= timezone.now() + dt.timedelta(hours=3)


def test_the_unit_a_case_is_dispatched_to_sees_and_handles_it(api: Any, unit: Any) -> None:
    r = _event_without_position(api, "township_officer", "某路段井盖缺失", "0301")
    case = r.json()["case"]
    assert case["path"] == "320111003"  # no position: the township's own path
    case = _do(api, "township_officer", case, "dispatch", target_unit_id=unit("320111003001").pk).json()
    detail = api("village_officer").get(f"/api/cases/{case['id']}")
    assert detail.status_code == 200 and "accept" in detail.json()["allowed_actions"]
    assert case["id"] in [c["id"] for c in api("village_officer").get("/api/cases", {"box": "todo"}).json()["items"]]


def test_a_grid_returning_a_dispatched_case_hands_it_back_to_the_village(api: Any, unit: Any) -> None:
    r = _event_without_position(api, "village_officer", "张某某与李某某的邻里纠纷", "0102")
    case = r.json()["case"]
    assert case["status"] == "in_progress" and "return" not in case["allowed_actions"]
    case = _do(api, "village_officer", case, "dispatch", target_unit_id=unit("320111003001001").pk).json()
    detail = api("grid_worker").get(f"/api/cases/{case['id']}").json()
    case = _do(api, "grid_worker", detail, "return", comment="不属于本网格").json()
    assert case["status"] == "in_progress" and case["holder_name"] == "冯墙社区居委会"
    detail = api("village_officer").get(f"/api/cases/{case['id']}").json()
    assert {"dispatch", "escalate", "complete"} <= set(detail["allowed_actions"])


def test_petition_without_sender_is_not_offered_return(api: Any) -> None:
    r = api("township_officer").post(
        "/api/cases", {"kind": "petition", "title": "关于噪音的来访", "details": {"petitioner_name": "赵某某"}}
    )
    assert r.json()["case"]["allowed_actions"] == ["accept", "escalate"]


def test_extension_request_does_not_follow_the_case_and_approval_survives_transfers(api: Any) -> None:
    case = _report(api).json()["case"]
    case = _do(api, "village_officer", case, "accept").json()
    case = _do(api, "village_officer", case, "request_extension", days=5, comment="当事人外出").json()
    case = _do(api, "village_officer", case, "escalate", comment="需街道协调").json()
    assert case["extension_days"] is None
    county = api("county_officer").get(f"/api/cases/{case['id']}").json()
    assert "approve_extension" not in county["allowed_actions"]
    r = api("township_officer").post(
        "/api/cases", {"kind": "petition", "title": "关于噪音的来访", "details": {"petitioner_name": "赵某某"}}
    )
    p = _do(api, "township_officer", r.json()["case"], "accept").json()
    p = _do(api, "township_officer", p, "request_extension", days=20, comment="情况复杂").json()
    p = _do(
        api, "county_officer", api("county_officer").get(f"/api/cases/{p['id']}").json(), "approve_extension"
    ).json()
    extended = p["due_at"]
    p = _do(api, "township_officer", p, "escalate", comment="请区里协调").json()
    p = _do(api, "county_officer", p, "accept").json()
    assert p["due_at"] == extended


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/units", {"offset": "99999999999999999999"}),
        ("/api/units/99999999999999999999", {}),
        ("/api/cases/stats", {"month": "0000-01"}),
        ("/api/cases/stats", {"month": "9999-12"}),
    ],
)
def test_out_of_range_numbers_are_refused_not_crashed(api: Any, path: str, params: dict[str, str]) -> None:
    r = api("county_officer").get(path, params)
    assert r.status_code in (400, 404, 422) and r.json()["code"]


def test_a_phone_local_time_without_zone_is_taken_as_beijing_time(api: Any) -> None:
    local = timezone.localtime() - dt.timedelta(hours=1)
    r = _report(api, occurred_at=local.replace(tzinfo=None).isoformat())
    assert r.status_code == 201, r.json()
    occurred = dt.datetime.fromisoformat(r.json()["case"]["occurred_at"])
    assert abs((occurred - local).total_seconds()) < 1
