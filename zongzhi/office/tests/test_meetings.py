"""Meetings (会议台账): the 15-day entry rule, files, withdrawal, decisions turned into tasks,
the monthly 例会 overview the unit above reads, and the list's filters."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Case
from zongzhi.core.democlock import simulated_clock
from zongzhi.office.models import Meeting, MeetingDecision, OfficeRule
from zongzhi.units.models import Department, Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
TOWNSHIP = "320111003000"


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code.ljust(12, "0"))


def body(**over: Any) -> dict[str, Any]:
    data = {
        "kind": "regular",
        "category": "社区（班子）会议",
        "name": "综治工作例会",
        "held_at": (timezone.now() - dt.timedelta(hours=3)).isoformat(),
        "location": "社区会议室",
        "attendees": "社区综治中心全体成员",
        "topic": "研判分析本月矛盾纠纷",
        "content": "一、通报本月排查情况；二、部署下月工作。",
    }
    data.update(over)
    return data


def days_ago(n: int) -> str:
    return (timezone.now() - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def _media(tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _upload(api: Any, who: str) -> int:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buf, "JPEG")
    client = api(who)
    r = client.client.post(
        "/api/office/uploads",
        {"file": SimpleUploadedFile("会场.jpg", buf.getvalue(), content_type="image/jpeg")},
        headers=client._headers(),
    )
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def test_village_records_its_monthly_meeting(api: Any) -> None:
    r = api("village_officer").post("/api/office/meetings", body())
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["unit"]["code"] == VILLAGE and out["kind_label"] == "综治工作例会"
    assert out["created_by"]["full_name"] and out["can_edit"] and out["decisions"] == []
    assert AuditLog.objects.filter(action="office.meeting_created", username="village_officer").exists()
    listed = api("township_officer").get("/api/office/meetings", {"unit": _unit(TOWNSHIP).pk}).json()
    assert out["id"] in [m["id"] for m in listed["items"]]


def test_meeting_held_twenty_days_ago_is_refused_naming_the_rule(api: Any) -> None:
    r = api("village_officer").post("/api/office/meetings", body(held_at=days_ago(20)))
    assert r.status_code == 400
    err = r.json()
    assert err["code"] == "meeting_entry_late"
    assert err["message"] == "会议须在召开后15天内录入（日常办公规则），该会议已召开20天"
    assert err["errors"][0]["field"] == "held_at"
    assert not Meeting.objects.filter(unit__code=VILLAGE).exists()


def test_meeting_on_the_fifteenth_day_is_accepted(api: Any) -> None:
    r = api("village_officer").post("/api/office/meetings", body(held_at=days_ago(15)))
    assert r.status_code == 201, r.content


def test_the_window_follows_the_administrators_rule(api: Any) -> None:
    OfficeRule.objects.create(key="meeting_entry_days", value=30)
    assert api("village_officer").post("/api/office/meetings", body(held_at=days_ago(20))).status_code == 201
    OfficeRule.objects.filter(key="meeting_entry_days").update(value=5)
    r = api("village_officer").post("/api/office/meetings", body(held_at=days_ago(6)))
    assert r.json()["message"] == "会议须在召开后5天内录入（日常办公规则），该会议已召开6天"


def test_future_meeting_is_refused(api: Any) -> None:
    held = (timezone.now() + dt.timedelta(days=2)).isoformat()
    r = api("village_officer").post("/api/office/meetings", body(held_at=held))
    assert r.status_code == 400 and r.json()["code"] == "meeting_in_future"


def test_missing_fields_get_chinese_messages(api: Any) -> None:
    r = api("village_officer").post("/api/office/meetings", body(location="  "))
    assert r.status_code == 400
    assert r.json()["errors"][0] == {"field": "location", "message": "请填写地点"}


def test_edit_within_the_window_only(api: Any) -> None:
    officer = User.objects.get(username="village_officer")
    with simulated_clock(timezone.now() - dt.timedelta(days=20)):
        from zongzhi.office import services_meetings as svc

        m = svc.create_meeting(
            acting_user=officer,
            data=svc.MeetingData(
                kind="regular",
                name="综治工作例会",
                held_at=timezone.now() - dt.timedelta(hours=1),
                location="会议室",
                attendees="全体成员",
                topic="研判",
            ),
        )
    r = api("village_officer").put(f"/api/office/meetings/{m.pk}", body(held_at=m.held_at.isoformat()))
    assert r.status_code == 400 and r.json()["code"] == "meeting_entry_late"
    detail = api("village_officer").get(f"/api/office/meetings/{m.pk}").json()
    assert detail["can_edit"] is False

    fresh = api("village_officer").post("/api/office/meetings", body()).json()
    r = api("village_officer").put(f"/api/office/meetings/{fresh['id']}", body(topic="传达学习上级会议精神"))
    assert r.status_code == 200 and r.json()["topic"] == "传达学习上级会议精神"


def test_withdrawn_meeting_stays_and_shows(api: Any) -> None:
    m = api("village_officer").post("/api/office/meetings", body()).json()
    r = api("village_officer").post(f"/api/office/meetings/{m['id']}/withdraw", {"reason": "重复录入"})
    assert r.status_code == 200
    out = r.json()
    assert out["withdrawn_at"] and out["withdrawn_reason"] == "重复录入" and out["withdrawn_by"]["full_name"]
    assert Meeting.objects.filter(pk=m["id"]).exists()
    shown = api("village_officer").get("/api/office/meetings").json()["items"]
    assert m["id"] not in [i["id"] for i in shown]
    shown = api("village_officer").get("/api/office/meetings", {"withdrawn": True}).json()["items"]
    assert [i["withdrawn_reason"] for i in shown if i["id"] == m["id"]] == ["重复录入"]
    again = api("village_officer").post(f"/api/office/meetings/{m['id']}/withdraw", {"reason": "再撤"})
    assert again.status_code == 409
    edit = api("village_officer").put(f"/api/office/meetings/{m['id']}", body())
    assert edit.json()["code"] == "already_withdrawn"
    empty = api("village_officer").post(f"/api/office/meetings/{m['id']}/withdraw", {"reason": " "})
    assert empty.status_code == 400


def test_township_reads_but_cannot_record_for_another_township(api: Any) -> None:
    other = _unit("320111004001")
    r = api("township_officer").post("/api/office/meetings", body(unit_id=other.pk))
    assert r.status_code == 404


@pytest.mark.usefixtures("_media")
def test_photos_are_attached_and_listed(api: Any) -> None:
    photo = _upload(api, "village_officer")
    out = api("village_officer").post("/api/office/meetings", body(attachment_ids=[photo])).json()
    assert [f["id"] for f in out["files"]] == [photo]
    assert out["files"][0]["thumbnail_url"]
    row = api("village_officer").get("/api/office/meetings").json()["items"][0]
    assert row["id"] == out["id"] and row["file_count"] == 1
    # the township sees the photo of its village's meeting; the other township does not
    assert api("township_officer").get(f"/api/attachments/{photo}/file").status_code == 200
    assert api("township2_officer").get(f"/api/attachments/{photo}/file").status_code == 404


def _joint(api: Any, decisions: list[dict[str, Any]], who: str = "township_officer") -> Any:
    return api(who).post(
        "/api/office/meetings",
        body(
            kind="joint",
            name="矛盾纠纷排查化解联席会议",
            category="街道综治委会议",
            minutes="会议议定以下事项。",
            decisions=decisions,
        ),
    )


def test_joint_meeting_decisions_become_tasks(api: Any) -> None:
    village = _unit(VILLAGE)
    dept = Department.objects.filter(unit__code=TOWNSHIP.ljust(12, "0")).first()
    assert dept is not None
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    r = _joint(
        api,
        [
            {"text": "冯墙社区牵头化解江岸小区物业纠纷", "holder_unit_id": village.pk, "due_on": due},
            {"text": "派出所加强夜间巡逻", "holder_department_id": dept.pk, "due_on": due},
        ],
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert [d["seq"] for d in out["decisions"]] == [1, 2]
    first = out["decisions"][0]
    case = Case.objects.get(pk=first["case"]["id"])
    assert case.kind == "task" and case.holder_unit_id == village.pk
    assert timezone.localtime(case.final_due_at).date().isoformat() == due
    assert "矛盾纠纷排查化解联席会议" in case.description
    assert first["case"]["number"] == case.number and first["case"]["status_label"]
    assert out["decisions"][1]["holder_department_name"] == dept.name
    # the holder sees the task in its box
    todo = api("village_officer").get("/api/cases", {"box": "todo"}).json()["items"]
    assert case.pk in [c["id"] for c in todo]


def test_a_bad_decision_leaves_nothing_half_written(api: Any) -> None:
    village = _unit(VILLAGE)
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    other = _unit("320111004001")
    before = Case.objects.count()
    r = _joint(
        api,
        [
            {"text": "第一项", "holder_unit_id": village.pk, "due_on": due},
            {"text": "第二项", "holder_unit_id": other.pk, "due_on": due},
        ],
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "decisions.1.holder_unit_id"
    assert Case.objects.count() == before
    assert not Meeting.objects.filter(name="矛盾纠纷排查化解联席会议").exists()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = _joint(api, [{"text": "第一项", "holder_unit_id": village.pk, "due_on": past}])
    assert r.json()["code"] == "due_in_past"


def test_regular_meetings_carry_no_decisions(api: Any) -> None:
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    r = api("township_officer").post(
        "/api/office/meetings",
        body(decisions=[{"text": "某事项", "holder_unit_id": _unit(VILLAGE).pk, "due_on": due}]),
    )
    assert r.status_code == 400 and r.json()["code"] == "decisions_not_allowed"


def test_decisions_can_be_added_when_editing(api: Any) -> None:
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    village = _unit(VILLAGE)
    m = _joint(api, [{"text": "第一项", "holder_unit_id": village.pk, "due_on": due}]).json()
    r = api("township_officer").put(
        f"/api/office/meetings/{m['id']}",
        body(
            kind="joint",
            name=m["name"],
            minutes="补充",
            decisions=[{"text": "第二项", "holder_unit_id": village.pk, "due_on": due}],
        ),
    )
    assert r.status_code == 200, r.content
    assert [d["seq"] for d in r.json()["decisions"]] == [1, 2]
    assert MeetingDecision.objects.filter(meeting_id=m["id"], case__isnull=False).count() == 2


def test_the_township_sees_which_village_missed_its_monthly_meeting(api: Any) -> None:
    township = _unit(TOWNSHIP)
    village = _unit(VILLAGE)
    officer = User.objects.get(username="township_officer")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=10)
    Meeting.objects.create(
        path=village.path,
        unit=village,
        kind="regular",
        name="例会",
        held_at=timezone.make_aware(dt.datetime.combine(last_month, dt.time(9))),
        location="会议室",
        attendees="全体成员",
        topic="研判",
        created_by=officer,
    )
    r = api("township_officer").get("/api/office/meetings/regular", {"unit": township.pk, "months": 3})
    assert r.status_code == 200
    out = r.json()
    assert len(out["months"]) == 3
    rows = {row["unit"]["code"]: row for row in out["rows"]}
    assert rows[TOWNSHIP.ljust(12, "0")]["is_self"]
    mine = rows[VILLAGE]
    assert [c["count"] for c in mine["months"]] == [0, 1, 0]
    assert [c["missing"] for c in mine["months"]] == [True, False, False]  # this month is still open
    assert mine["missing"] == 1
    other = next(code for code in rows if code not in (VILLAGE, TOWNSHIP.ljust(12, "0")))
    assert rows[other]["missing"] == 2
    assert (
        api("township_officer").get("/api/office/meetings/regular", {"unit": township.pk, "months": 40}).status_code
        == 400
    )
    hidden = api("township2_officer").get("/api/office/meetings/regular", {"unit": township.pk})
    assert hidden.status_code == 404


def test_list_filters(api: Any) -> None:
    client = api("village_officer")
    a = client.post("/api/office/meetings", body(name="平安建设工作会议", kind="other")).json()
    b = client.post("/api/office/meetings", body(held_at=days_ago(10), topic="部署禁毒宣传")).json()
    ids = lambda **q: [i["id"] for i in client.get("/api/office/meetings", q).json()["items"]]  # noqa: E731
    assert ids(kind="other") == [a["id"]]
    assert ids(q="禁毒") == [b["id"]]
    assert ids(q="平安建设") == [a["id"]]
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert b["id"] not in ids(since=since) and a["id"] in ids(since=since)
    page = client.get("/api/office/meetings", {"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    total = client.get("/api/office/meetings/total").json()
    assert total == {"count": 2, "capped": False}


def test_list_query_count_is_flat(api: Any, django_assert_max_num_queries: Any) -> None:
    client = api("village_officer")
    for i in range(5):
        client.post("/api/office/meetings", body(name=f"例会{i}"))
    client.get("/api/office/meetings")  # warm the session
    with django_assert_max_num_queries(12):
        r = client.get("/api/office/meetings")
    assert len(r.json()["items"]) == 5


def test_options_name_the_window(api: Any) -> None:
    out = api("village_officer").get("/api/office/meetings/options").json()
    assert out["entry_days"] == 15
    assert {k["value"] for k in out["kinds"] if k["joint"]} == {"joint", "dispatch"}


def test_pages_follow_the_meeting_time(api: Any) -> None:
    client = api("village_officer")
    made = [
        client.post("/api/office/meetings", body(name=f"例会{n}", held_at=days_ago(n))).json()["id"] for n in (3, 1, 2)
    ]
    first = client.get("/api/office/meetings", {"limit": 2}).json()
    assert [i["name"] for i in first["items"]] == ["例会1", "例会2"]
    rest = client.get("/api/office/meetings", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["name"] for i in rest["items"]] == ["例会3"] and rest["next_cursor"] is None
    assert sorted(made) == sorted(i["id"] for i in first["items"] + rest["items"])
