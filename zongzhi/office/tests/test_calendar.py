"""The office calendar: a unit's month of meetings, activities and deadlines, by day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.office.models import DisputeReport, MeetingDecision, RiskAssessment
from zongzhi.office.services_common import set_rule
from zongzhi.units.models import Unit, User

from .ledger_factories import activity, at, document, meeting

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
TOWNSHIP = "320111003000"


def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for day in body["days"] for e in day["entries"]]


def test_month_shows_meetings_activities_and_deadlines(api: Any) -> None:
    village, township = Unit.objects.get(code=VILLAGE), Unit.objects.get(code=TOWNSHIP)
    officer = User.objects.get(username="village_officer")
    first = timezone.localdate().replace(day=1)
    held = meeting(village, officer, first + dt.timedelta(days=2), name="本月例会")
    act = activity(village, officer, first + dt.timedelta(days=3), name="平安宣传")
    doc = document(township, User.objects.get(username="township_officer"), first, [village])
    signed = document(township, User.objects.get(username="township_officer"), first, [village], title="已签的通知")
    signed.recipients.update(signed_at=at(first, 10))
    joint = meeting(village, officer, first, kind="joint", name="联席会议")
    MeetingDecision.objects.create(
        meeting=joint, seq=1, text="清理河道", holder_unit=village, due_on=first + dt.timedelta(days=9)
    )
    risk = RiskAssessment.objects.create(
        unit=village, path=village.path, subject="project", title="拆迁项目评估", created_by=officer
    )

    r = api("village_officer").get("/api/office/calendar", {"unit": village.pk, "month": first.strftime("%Y-%m")})
    assert r.status_code == 200, r.content
    body = r.json()
    entries = _entries(body)
    kinds = {(e["kind"], e["title"]) for e in entries}
    assert ("meeting", "本月例会") in kinds
    assert ("activity", "平安宣传") in kinds
    assert ("sign_due", f"签收：{doc.title}") in kinds
    assert ("sign_due", "签收：已签的通知") not in kinds
    assert ("decision_due", "议定事项：清理河道") in kinds
    meeting_entry = next(e for e in entries if e["title"] == "本月例会")
    assert meeting_entry["day"] == (first + dt.timedelta(days=2)).isoformat()
    assert meeting_entry["time"] == "09:30"
    assert meeting_entry["link"] == f"/office/meetings?id={held.pk}"
    assert next(e for e in entries if e["title"] == "平安宣传")["link"] == f"/office/activities?id={act.pk}"
    assert next(e for e in entries if e["kind"] == "sign_due")["link"] == f"/office/documents/{doc.pk}"
    assert [r["title"] for r in body["ongoing_risks"]] == ["拆迁项目评估"]
    assert body["ongoing_risks"][0]["link"] == f"/office/risks/{risk.pk}"
    days = [d["day"] for d in body["days"]]
    assert days == sorted(days)


def test_dispute_report_due_until_submitted_on_the_rules_day(api: Any) -> None:
    village = Unit.objects.get(code=VILLAGE)
    officer = User.objects.get(username="village_officer")
    set_rule(User.objects.get(username="sysadmin"), "dispute_due_day", 5)
    first = timezone.localdate().replace(day=1)
    month = first.strftime("%Y-%m")
    client = api("village_officer")
    due = [
        e for e in _entries(client.get("/api/office/calendar", {"month": month}).json()) if e["kind"] == "dispute_due"
    ]
    assert len(due) == 1
    assert due[0]["day"] == first.replace(day=5).isoformat()
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    assert f"{previous.month}月" in due[0]["title"]
    DisputeReport.objects.create(
        unit=village,
        path=village.path,
        period_kind="month",
        period_start=previous,
        period_end=first - dt.timedelta(days=1),
        due_on=first.replace(day=5),
        status="submitted",
        created_by=officer,
        submitted_at=timezone.now(),
    )
    body = client.get("/api/office/calendar", {"month": month}).json()
    assert not [e for e in _entries(body) if e["kind"] == "dispute_due"]


def test_calendar_scope_and_month_format(api: Any) -> None:
    village = Unit.objects.get(code=VILLAGE)
    assert api("township_officer").get("/api/office/calendar", {"unit": village.pk}).status_code == 200
    assert api("township2_officer").get("/api/office/calendar", {"unit": village.pk}).status_code == 404
    r = api("village_officer").get("/api/office/calendar", {"month": "2026/01"})
    assert r.status_code in (400, 422) and r.json()["code"]


def test_calendar_reads_in_a_few_queries_whatever_the_entries(api: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village, township = Unit.objects.get(code=VILLAGE), Unit.objects.get(code=TOWNSHIP)
    officer = User.objects.get(username="village_officer")
    first = timezone.localdate().replace(day=1)
    for i in range(8):
        meeting(village, officer, first + dt.timedelta(days=i), name=f"会议{i}")
        activity(village, officer, first + dt.timedelta(days=i), name=f"活动{i}")
        document(township, User.objects.get(username="township_officer"), first, [village], title=f"通知{i}")
    client = api("village_officer")
    client.get("/api/office/calendar")  # the login's first request settles its session
    with CaptureQueriesContext(connection) as queries:
        r = client.get("/api/office/calendar")
    assert r.status_code == 200
    assert len(_entries(r.json())) >= 24
    assert len(queries) <= 16, [q["sql"][:80] for q in queries]


def test_a_grid_owes_no_dispute_report(api: Any) -> None:
    grid = Unit.objects.filter(parent__code=VILLAGE, level="grid").first()
    assert grid is not None
    body = api("village_officer").get("/api/office/calendar", {"unit": grid.pk}).json()
    assert not [e for e in _entries(body) if e["kind"] == "dispute_due"]
