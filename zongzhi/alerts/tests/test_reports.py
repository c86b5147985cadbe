"""Information reports (维稳信息报送): reporting, routing, the flow actions, limits and lapses."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from zongzhi.alerts.models import InfoLapse, InformationReport
from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Case
from zongzhi.notify.models import Notification
from zongzhi.places.models import KeyPlace
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

URL = "/api/alerts/reports"


def body(**over: Any) -> dict[str, Any]:
    data = {
        "title": "冯墙社区部分村民聚集",
        "description": "约15名村民因征地补偿问题在村委会门口聚集，情绪较激动。",
        "category_code": "07",
        "source": "grid_worker",
        "urgency": "major",
        "people_count": 15,
        "involved": "村民代表王某等",
    }
    data.update(over)
    return data


def report(api: Any, who: str = "grid_worker", **over: Any) -> dict[str, Any]:
    r = api(who).post(URL, body(**over))
    assert r.status_code == 201, r.json()
    return r.json()["report"]


def act(api: Any, who: str, rid: int, action: str, payload: dict[str, Any] | None = None) -> Any:
    return api(who).post(f"{URL}/{rid}/{action}", payload or {})


# --- reporting -----------------------------------------------------------------------------------
def test_grid_workers_report_goes_to_the_village_with_a_number_and_due(api: Any, unit: Any) -> None:
    learned = timezone.now() - dt.timedelta(minutes=10)
    r = report(api, learned_at=learned.isoformat())
    village = unit("320111003001")
    assert r["holder_unit_id"] == village.pk and r["status"] == "pending"
    assert r["number"] == f"XX{timezone.localdate():%Y%m%d}{r['id']:06d}"
    assert r["reporter_unit_name"] == unit("320111003001001").name
    # 重大: one hour from when it was learned (the first holder's clock)
    due = dt.datetime.fromisoformat(r["due_at"])
    assert abs((due - learned).total_seconds() - 3600) < 2
    assert r["timeline"][0]["kind"] == "report" and r["timeline"][0]["to_unit"] == village.name
    officer_notices = Notification.objects.filter(user__username="village_officer", kind="info_new")
    assert officer_notices.count() == 1
    assert officer_notices.get().link == f"/alerts/reports/{r['id']}"
    listed = api("village_officer").get("/api/notifications").json()["items"]
    assert any(n["link"] == f"/alerts/reports/{r['id']}" and n["case_id"] is None for n in listed)


def test_a_village_officers_own_report_stays_with_the_village(api: Any, unit: Any) -> None:
    r = report(api, "village_officer", urgency="normal")
    assert r["holder_unit_id"] == unit("320111003001").pk
    assert r["due_at"] is None  # 一般: no limit
    assert "forward" in r["allowed_actions"] and "return" not in r["allowed_actions"]


def test_every_field_error_is_reported_at_once(api: Any) -> None:
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = api("grid_worker").post(URL, body(title="x", description="", category_code="", source="", learned_at=future))
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"title", "description", "category_code", "source", "learned_at"} <= fields
    assert InformationReport.objects.count() == 0


def test_learned_in_the_future_is_refused_with_its_code(api: Any) -> None:
    future = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = api("grid_worker").post(URL, body(learned_at=future))
    assert r.status_code == 400 and r.json()["code"] == "learned_in_future"
    assert "获知时间" in r.json()["message"]


def test_unknown_category_is_refused(api: Any) -> None:
    r = api("grid_worker").post(URL, body(category_code="ZZ"))
    assert r.status_code == 400 and r.json()["code"] == "code_unknown"


def test_links_name_visible_records_with_a_label_and_never_one_outside(api: Any) -> None:
    inside = KeyPlace.objects.create(path="320111003001", name="冯墙加油站", kind_code="9902")
    outside = KeyPlace.objects.create(path="320111004001", name="江浦加油站", kind_code="9902")
    r = report(api, links=[{"type": "place", "id": inside.pk}])
    assert r["links"] == [{"type": "place", "id": inside.pk, "label": "冯墙加油站"}]
    bad = api("grid_worker").post(URL, body(links=[{"type": "place", "id": outside.pk}]))
    assert bad.status_code == 400 and bad.json()["code"] == "link_out_of_scope"


def test_a_unit_outside_the_reporters_capture_scope_is_refused(api: Any, unit: Any) -> None:
    r = api("grid_worker").post(URL, body(unit_id=unit("320111004001").pk))
    assert r.status_code == 404
    village = api("grid_worker").post(URL, body(unit_id=unit("320111003001").pk))  # seen, not his
    assert village.status_code == 403 and village.json()["code"] == "unit_out_of_scope"
    grid = api("grid_worker").post(URL, body(unit_id=unit("320111003001002").pk))  # his second grid
    assert grid.status_code == 201 and grid.json()["report"]["path"] == unit("320111003001002").path


def test_resending_the_same_client_id_returns_the_same_report(api: Any) -> None:
    cid = str(uuid.uuid4())
    first = api("grid_worker").post(URL, body(client_id=cid))
    again = api("grid_worker").post(URL, body(client_id=cid))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["report"]["id"] == first.json()["report"]["id"]
    assert InformationReport.objects.filter(client_id=cid).count() == 1
    taken = api("village_officer").post(URL, body(client_id=cid))
    assert taken.status_code == 409 and taken.json()["code"] == "client_id_taken"


def test_users_without_the_capability_cannot_report(api: Any) -> None:
    r = api("auditor").post(URL, body())
    assert r.status_code == 403


# --- the flow ------------------------------------------------------------------------------------
def test_screen_forward_up_to_the_county_then_no_further(api: Any, unit: Any) -> None:
    r = report(api)
    rid = r["id"]
    s = act(api, "village_officer", rid, "screen", {"verified": True, "nature": "群体性聚集", "measures": "劝返"})
    assert s.status_code == 200 and s.json()["verified"] is True and s.json()["nature"] == "群体性聚集"
    f = act(api, "village_officer", rid, "forward", {"comment": "请街道研判"})
    assert f.status_code == 200, f.json()
    town = unit("320111003000")
    assert f.json()["holder_unit_id"] == town.pk and f.json()["status"] == "pending"
    assert f.json()["timeline"][-1]["is_late"] is False
    # the village no longer holds it
    again = act(api, "village_officer", rid, "forward")
    assert again.status_code == 403 and again.json()["code"] == "not_holder"
    assert Notification.objects.filter(user__username="township_officer", kind="info_new").exists()
    f2 = act(api, "township_officer", rid, "forward")
    assert f2.status_code == 200
    county = unit("320111000000")
    assert f2.json()["holder_unit_id"] == county.pk
    # the county's parent (the city) is above the deployment's reach: still a parent, so a due
    top = act(api, "county_officer", rid, "forward")
    assert top.status_code == 200
    city = Unit.objects.get(pk=top.json()["holder_unit_id"])
    assert city.parent_id is None or city.level in ("city", "province")


def test_the_top_has_no_due_and_cannot_forward(api: Any, unit: Any) -> None:
    county = unit("320111000000")
    Unit.objects.filter(pk=county.pk).update(parent=None)  # a deployment whose top is the county
    r = report(api, "county_officer", urgency="major")
    assert r["holder_unit_id"] == county.pk and r["due_at"] is None
    assert "forward" not in r["allowed_actions"]
    out = act(api, "county_officer", r["id"], "forward")
    assert out.status_code == 400 and out.json()["code"] == "no_parent"
    assert "没有上级单位" in out.json()["message"]


def test_forwarding_after_the_limit_is_late_and_records_a_lapse(api: Any, unit: Any) -> None:
    learned = timezone.now() - dt.timedelta(minutes=95)  # 重大: one hour, 35 minutes late
    r = report(api, learned_at=learned.isoformat())
    f = act(api, "village_officer", r["id"], "forward")
    assert f.status_code == 200
    assert f.json()["timeline"][-1]["is_late"] is True
    lapse = InfoLapse.objects.get(report_id=r["id"])
    village = unit("320111003001")
    assert lapse.kind == "late" and lapse.unit_id == village.pk and lapse.path == village.path
    assert 34 <= (lapse.minutes_late or 0) <= 36
    assert lapse.month == timezone.localdate().replace(day=1)
    # the township's own clock starts now: 1 hour from received_at
    new_due = dt.datetime.fromisoformat(f.json()["due_at"])
    received = dt.datetime.fromisoformat(f.json()["received_at"])
    assert abs((new_due - received).total_seconds() - 3600) < 2
    listed = api("township_officer").get(f"{URL}/lapses", {"unit": village.pk})
    assert [x["kind"] for x in listed.json()["items"]] == ["late"]


def test_important_reports_have_two_hours_and_normal_ones_none(api: Any) -> None:
    learned = timezone.now() - dt.timedelta(minutes=90)
    r = report(api, urgency="important", learned_at=learned.isoformat())
    f = act(api, "village_officer", r["id"], "forward")
    assert f.json()["timeline"][-1]["is_late"] is False
    assert not InfoLapse.objects.filter(report_id=r["id"]).exists()
    n = report(api, urgency="normal")
    assert n["due_at"] is None


def test_return_goes_to_the_unit_it_came_from_which_can_forward_again(api: Any, unit: Any) -> None:
    r = report(api)
    rid = r["id"]
    first = act(api, "village_officer", rid, "return", {"comment": "请核实"})
    assert first.status_code == 400 and first.json()["code"] == "nothing_below"
    act(api, "village_officer", rid, "forward")
    empty = act(api, "township_officer", rid, "return", {"comment": ""})
    assert empty.status_code == 400 and empty.json()["code"] == "required"
    back = act(api, "township_officer", rid, "return", {"comment": "人数不清，请核实后续报"})
    assert back.status_code == 200
    assert back.json()["status"] == "returned" and back.json()["holder_unit_id"] == unit("320111003001").pk
    assert Notification.objects.filter(user__username="village_officer", kind="info_returned").exists()
    fu = act(api, "village_officer", rid, "follow-ups", {"comment": "经核实共18人", "people_count": 18})
    assert fu.status_code == 200 and fu.json()["follow_up_count"] == 1
    again = act(api, "village_officer", rid, "forward")
    assert again.status_code == 200 and again.json()["holder_unit_id"] == unit("320111003000").pk


def test_close_needs_a_conclusion_and_then_follow_ups_are_refused(api: Any) -> None:
    r = report(api)
    assert act(api, "village_officer", r["id"], "close", {"comment": ""}).json()["code"] == "required"
    c = act(api, "village_officer", r["id"], "close", {"comment": "已劝返，矛盾化解"})
    assert c.status_code == 200 and c.json()["status"] == "closed" and c.json()["allowed_actions"] == []
    fu = act(api, "grid_worker", r["id"], "follow-ups", {"comment": "又来了几人"})
    assert fu.status_code == 400 and fu.json()["code"] == "report_closed"
    again = act(api, "village_officer", r["id"], "forward")
    assert again.status_code == 400 and again.json()["code"] == "report_finished"


def test_follow_ups_from_the_reporter_tell_the_holder_and_never_change_the_report(api: Any) -> None:
    r = report(api)
    before = InformationReport.objects.get(pk=r["id"])
    fu = act(api, "grid_worker", r["id"], "follow-ups", {"comment": "人数增加到20人", "people_count": 20})
    assert fu.status_code == 200
    after = InformationReport.objects.get(pk=r["id"])
    assert (after.title, after.description, after.people_count) == (before.title, before.description, 15)
    step = fu.json()["timeline"][-1]
    assert step["kind"] == "follow_up" and step["data"] == {"people_count": 20}
    assert Notification.objects.filter(user__username="village_officer", kind="info_follow_up").exists()
    # a unit the report never reached cannot follow up
    other = act(api, "township2_officer", r["id"], "follow-ups", {"comment": "x"})
    assert other.status_code == 404


def test_there_is_no_way_to_edit_a_report(api: Any) -> None:
    r = report(api)
    for method in ("put", "patch"):
        out = api("grid_worker").send(method, f"{URL}/{r['id']}", {"title": "改过的标题"})
        assert out.status_code == 405
    assert InformationReport.objects.get(pk=r["id"]).title == "冯墙社区部分村民聚集"


def test_convert_makes_a_case_linked_both_ways(api: Any) -> None:
    r = report(api, urgency="important")
    c = act(api, "village_officer", r["id"], "convert", {"comment": "转网格化事件办理"})
    assert c.status_code == 200, c.json()
    out = c.json()
    assert out["status"] == "converted" and out["case_id"] and out["case_number"]
    case = Case.objects.get(pk=out["case_id"])
    assert case.kind == "event" and case.title == r["title"] and case.people_count == 15
    assert r["number"] in case.description
    src = api("village_officer").get(f"{URL}/by-case/{case.pk}")
    assert src.status_code == 200 and src.json()["report"]["id"] == r["id"]
    twice = act(api, "village_officer", r["id"], "convert")
    assert twice.status_code == 400 and twice.json()["code"] == "report_finished"


def test_only_the_holders_officers_act(api: Any) -> None:
    r = report(api)
    assert act(api, "grid_worker", r["id"], "screen", {"verified": True}).status_code == 403
    assert act(api, "township_officer", r["id"], "close", {"comment": "x"}).json()["code"] == "not_holder"
    hidden = act(api, "township2_officer", r["id"], "forward")
    assert hidden.status_code == 404


def test_a_stale_version_is_refused(api: Any) -> None:
    r = report(api)
    ok = act(api, "village_officer", r["id"], "screen", {"verified": True, "version": r["version"]})
    assert ok.status_code == 200
    stale = act(api, "village_officer", r["id"], "forward", {"version": r["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"


# --- lapses --------------------------------------------------------------------------------------
def test_missing_and_concealed_lapses_by_the_unit_above_withdrawn_never_deleted(api: Any, unit: Any) -> None:
    village = unit("320111003001")
    no_reason = api("township_officer").post(f"{URL}/lapses", {"unit_id": village.pk, "kind": "concealed"})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "required"
    r = api("township_officer").post(
        f"{URL}/lapses", {"unit_id": village.pk, "kind": "concealed", "reason": "群众聚集未报告"}
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "瞒报"
    own = api("village_officer").post(f"{URL}/lapses", {"unit_id": village.pk, "kind": "missing", "reason": "x"})
    assert own.status_code == 403
    far = api("township2_officer").post(f"{URL}/lapses", {"unit_id": village.pk, "kind": "missing", "reason": "x"})
    assert far.status_code == 404  # another township's village: not even seen
    lid = r.json()["id"]
    w = api("township_officer").post(f"{URL}/lapses/{lid}/withdraw", {"reason": "经核实已按时报告"})
    assert w.status_code == 200 and w.json()["withdrawn_at"]
    assert InfoLapse.objects.filter(pk=lid).exists()
    listed = api("township_officer").get(f"{URL}/lapses", {"unit": village.pk})
    assert listed.json()["count"] == 0
    assert api("township_officer").get(f"{URL}/lapses", {"withdrawn": True}).json()["count"] == 1


# --- limits --------------------------------------------------------------------------------------
def test_limits_are_configured_by_administrators_only(api: Any) -> None:
    rows = api("village_officer").get(f"{URL}/limits").json()
    assert [(x["urgency"], float(x["hours"])) for x in rows] == [("major", 1.0), ("important", 2.0)]
    refused = api("village_officer").put(f"{URL}/limits/important", {"hours": 3})
    assert refused.status_code == 403
    ok = api("sysadmin").put(f"{URL}/limits/important", {"hours": 3, "note": "旧规定3小时"})
    assert ok.status_code == 200 and float(ok.json()["hours"]) == 3.0
    bad = api("sysadmin").put(f"{URL}/limits/normal", {"hours": 3})
    assert bad.status_code == 400
    learned = timezone.now() - dt.timedelta(minutes=150)
    r = report(api, urgency="important", learned_at=learned.isoformat())
    due = dt.datetime.fromisoformat(r["due_at"])
    assert abs((due - learned).total_seconds() - 3 * 3600) < 2


# --- photos --------------------------------------------------------------------------------------
@pytest.fixture
def _media(tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _upload(api: Any, who: str) -> int:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buf, "JPEG")
    client = api(who)
    r = client.client.post(
        "/api/attachments",
        {"file": SimpleUploadedFile("现场.jpg", buf.getvalue(), content_type="image/jpeg")},
        headers=client._headers(),
    )
    assert r.status_code == 201
    return int(r.json()["id"])


@pytest.mark.usefixtures("_media")
def test_photos_follow_the_reports_visibility(api: Any) -> None:
    photo = _upload(api, "grid_worker")
    r = report(api, attachment_ids=[photo])
    assert [a["id"] for a in r["attachments"]] == [photo]
    assert r["timeline"][0]["attachment_ids"] == [photo]
    assert api("village_officer").get(f"/api/attachments/{photo}/file").status_code == 200
    assert api("township2_officer").get(f"/api/attachments/{photo}/file").status_code == 404
    reused = api("grid_worker").post(URL, body(attachment_ids=[photo]))
    assert reused.status_code == 400 and reused.json()["code"] == "attachment_invalid"


def test_opening_reports_of_another_township_is_refused_and_audited(api: Any) -> None:
    r = report(api)
    out = api("township2_officer").get(f"{URL}/{r['id']}")
    assert out.status_code == 404
    assert AuditLog.objects.filter(username="township2_officer", action="scope.denied").exists()


def test_a_major_report_reaches_the_holder_by_sms_without_its_title(
    api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        report(api, urgency="major")
    assert any("sms" in repr(c) for c in after_commit)
    texts = {sms.args[1]: sms.args[0] for sms in after_commit}
    officer = User.objects.get(username="village_officer")
    assert officer.phone in texts["您单位收到重大维稳信息，请立即登录综治信息系统研判上报"]
    with django_capture_on_commit_callbacks(execute=False) as quiet:
        report(api, urgency="important", title="重要但不发短信的信息")
    assert [c for c in quiet if "sms" in repr(c)] == []


def test_a_report_arriving_at_night_reaches_the_villages_duty_officer(api: Any, unit: Any) -> None:
    from zongzhi.alerts.models import DutyShift
    from zongzhi.core.democlock import simulated_clock

    village = unit("320111003001")
    officer = User.objects.get(username="village_officer")
    tz = timezone.get_current_timezone()
    night = dt.datetime(2026, 12, 7, 22, 0, tzinfo=tz)  # a Monday evening, after office hours
    DutyShift.objects.create(
        unit=village,
        path=village.path,
        starts_at=night - dt.timedelta(hours=13, minutes=30),
        ends_at=night + dt.timedelta(hours=10, minutes=30),
        officer=officer,
        created_by=officer,
    )
    with simulated_clock(night):
        r = report(api, learned_at=(night - dt.timedelta(minutes=5)).isoformat())
    duty_notice = Notification.objects.get(user=officer, kind="duty")
    assert duty_notice.link == f"/alerts/reports/{r['id']}"
    # In office hours the same report tells the village's staff only, not the duty officer again.
    with simulated_clock(night.replace(hour=10)):
        report(api, learned_at=night.replace(hour=9).isoformat())
    assert Notification.objects.filter(user=officer, kind="duty").count() == 1


def test_the_report_lists_the_warnings_raised_about_it(api: Any, unit: Any) -> None:
    rid = report(api)["id"]
    act(api, "village_officer", rid, "forward", {"comment": "请街道研判"})
    village = unit("320111003001")
    issued = api("township_officer").post(
        "/api/alerts/warnings",
        {
            "title": "冯墙社区村民拟集体上访",
            "body": "请即做好稳控和疏导工作。",
            "level": "yellow",
            "unit_ids": [village.pk],
            "department_ids": [],
            "subject_type": "info",
            "subject_id": rid,
        },
    )
    assert issued.status_code == 201, issued.json()
    for who in ("township_officer", "village_officer"):
        shown = api(who).get(f"{URL}/{rid}").json()["warnings"]
        assert [(w["id"], w["level_label"], w["status_label"]) for w in shown] == [
            (issued.json()["id"], "黄色预警", "预警中")
        ], who
