"""The 矛盾纠纷排查 report: the draft pre-filled from the cases of the unit's subtree, corrections
that show, one submission, lateness, the half-monthly periods, the unit above's overview with the
combined table and the reminder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.cases.models import Case, CaseAction
from zongzhi.notify.models import Notification
from zongzhi.office import services_disputes as disputes
from zongzhi.office.models import DisputeReport, OfficeRule
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"  # 冯墙社区 (village_officer)
TOWNSHIP = "320111003000"  # 沿江街道 (township_officer)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def last_month() -> disputes.Period:
    return disputes.recent_periods("month", 1)[0]


def event(u: Unit, category: str, status: str, when: dt.datetime, *, escalated_to: Unit | None = None) -> Case:
    case = Case.objects.create(
        kind="event",
        title="测试纠纷",
        category_code=category,
        status=status,
        path=u.path,
        initiator_unit=u,
        holder_unit=u,
        created_at=when,
    )
    if escalated_to is not None:
        CaseAction.objects.create(case=case, action="escalate", actor_unit=u, to_unit=escalated_to)
    return case


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def row(data: dict[str, Any], category: str) -> dict[str, Any]:
    return next(r for r in data["figures"]["rows"] if r["category"] == category)


def test_the_draft_is_prefilled_from_the_disputes_of_the_units_subtree(api: Any) -> None:
    village, township = unit(VILLAGE), unit(TOWNSHIP)
    p = last_month()
    day = p.start + dt.timedelta(days=3)
    event(village, "0102", "completed", at(day))
    event(village, "0102", "archived", at(day))
    event(village, "0102", "in_progress", at(day), escalated_to=township)
    event(village, "0108", "pending", at(day))
    event(village, "0102", "cancelled", at(day))  # cancelled: not counted
    event(village, "0201", "completed", at(day))  # not a dispute
    event(village, "0102", "completed", at(p.start - dt.timedelta(days=2)))  # the month before
    r = api("village_officer").post(
        "/api/office/disputes/reports",
        {"unit_id": village.pk, "kind": "month", "period_start": p.start.isoformat()},
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["status"] == "draft" and data["can_edit"]
    neighbours = row(data, "0102")
    assert neighbours["label"] == "邻里纠纷"
    assert (neighbours["total"], neighbours["resolved"], neighbours["in_progress"], neighbours["escalated"]) == (
        3,
        2,
        1,
        1,
    )
    assert row(data, "0108")["total"] == 1
    assert row(data, "0101")["total"] == 0  # every kind of dispute is listed
    assert data["figures"]["totals"]["total"] == 4
    assert data["figures"]["resolution_rate"] == 0.5
    assert data["corrections"] == []
    assert data["period"]["due_on"] == (p.end + dt.timedelta(days=1)).isoformat()

    # The township's escalation target is the county: the village's escalation stays inside it.
    r = api("township_officer").post(
        "/api/office/disputes/reports",
        {"unit_id": township.pk, "kind": "month", "period_start": p.start.isoformat()},
    )
    assert row(r.json(), "0102")["total"] == 3
    assert row(r.json(), "0102")["escalated"] == 0


def test_a_corrected_figure_shows_and_needs_a_note_then_submits_once(api: Any) -> None:
    village = unit(VILLAGE)
    p = last_month()
    event(village, "0101", "completed", at(p.start))
    client = api("village_officer")
    draft = client.post(
        "/api/office/disputes/reports", {"unit_id": village.pk, "kind": "month", "period_start": p.start.isoformat()}
    ).json()
    path = f"/api/office/disputes/reports/{draft['id']}"
    bad = client.put(
        path, {"rows": [{"category": "0101", "total": 1, "resolved": 2, "in_progress": 0, "escalated": 0}]}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "figures_inconsistent"
    saved = client.put(
        path, {"rows": [{"category": "0101", "total": 2, "resolved": 1, "in_progress": 1, "escalated": 0}]}
    ).json()
    assert row(saved, "0101")["total"] == 2
    assert {"category": "0101", "field": "total", "computed": 1, "value": 2} in saved["corrections"]
    assert saved["computed"]["totals"]["total"] == 1  # what the system said stays
    assert saved["figures"]["resolution_rate"] == 0.5
    refused = client.post(f"{path}/submit")
    assert refused.status_code == 400 and refused.json()["code"] == "notes_required"
    client.put(path, {"notes": "有一起纠纷由村调委会当场调处，未在系统中上报"})
    done = client.post(f"{path}/submit").json()
    assert done["status"] in ("submitted", "late") and done["submitted_at"] and not done["can_edit"]
    again = client.post(f"{path}/submit")
    assert again.status_code == 409 and again.json()["code"] == "dispute_report_submitted"
    assert client.put(path, {"notes": "改"}).status_code == 409
    second = client.post(
        "/api/office/disputes/reports", {"unit_id": village.pk, "kind": "month", "period_start": p.start.isoformat()}
    )
    assert second.status_code == 400 and second.json()["code"] == "dispute_report_exists"


def test_a_month_not_yet_ended_is_refused(api: Any) -> None:
    start = timezone.localdate().replace(day=1)
    r = api("village_officer").post(
        "/api/office/disputes/reports",
        {"unit_id": unit(VILLAGE).pk, "kind": "month", "period_start": start.isoformat()},
    )
    assert r.status_code == 400 and r.json()["code"] == "period_not_ended"
    r = api("village_officer").post(
        "/api/office/disputes/reports",
        {"unit_id": unit(VILLAGE).pk, "kind": "month", "period_start": (start - dt.timedelta(days=20)).isoformat()},
    )
    assert r.json()["code"] in ("period_invalid", "period_not_ended")


def test_late_is_computed_from_the_due_day() -> None:
    village = unit(VILLAGE)
    user = User.objects.get(username="village_officer")
    p = last_month()
    report = disputes.open_draft(user, village, "month", p.start)
    disputes.submit(user, report, now=at(p.due_on, 16))
    assert disputes.status_of(DisputeReport.objects.get(pk=report.pk), p) == "submitted"
    older = disputes.recent_periods("month", 2)[1]
    late = disputes.open_draft(user, village, "month", older.start)
    disputes.submit(user, late, now=at(older.due_on + dt.timedelta(days=3)))
    assert disputes.status_of(DisputeReport.objects.get(pk=late.pk), older) == "late"


def test_the_due_day_follows_the_rule() -> None:
    OfficeRule.objects.create(key="dispute_due_day", value=5)
    p = disputes.period_of("month", dt.date(2026, 3, 10))
    assert p.due_on == dt.date(2026, 4, 5)


def test_half_month_periods_only_when_the_rule_is_on(api: Any) -> None:
    village = unit(VILLAGE)
    p = disputes.recent_periods("half_month", 1)[0]
    body = {"unit_id": village.pk, "kind": "half_month", "period_start": p.start.isoformat()}
    r = api("village_officer").post("/api/office/disputes/reports", body)
    assert r.status_code == 400 and r.json()["code"] == "half_month_off"
    OfficeRule.objects.create(key="dispute_half_month", value=1)
    r = api("village_officer").post("/api/office/disputes/reports", body)
    assert r.status_code == 201, r.json()
    assert r.json()["period"]["label"].endswith("半月")
    assert p.start.day in (1, 16)
    periods = api("village_officer").get("/api/office/disputes/periods", {"kind": "half_month"}).json()
    assert periods["kinds"] == ["month", "half_month"]
    assert periods["periods"][0]["status"] == "draft"


def test_the_unit_above_sees_each_unit_and_the_combined_table_and_reminds(api: Any) -> None:
    township = unit(TOWNSHIP)
    villages = list(Unit.objects.filter(parent=township, is_retired=False).exclude(level="grid").order_by("code"))
    assert len(villages) >= 2
    second, first = villages[0], villages[1]  # villages[0] is village_officer's, who is reminded
    p = last_month()
    event(first, "0102", "completed", at(p.start))
    event(second, "0102", "in_progress", at(p.start))
    officer = User.objects.get(username="township_officer")
    for v in (first, second):
        report = disputes.open_draft(officer, v, "month", p.start)
        if v == first:
            disputes.submit(officer, report)
    data = api("township_officer").get("/api/office/disputes/overview", {"unit": township.pk}).json()
    status = {r["unit"]["code"]: r["status"] for r in data["rows"]}
    assert status[first.code] in ("submitted", "late")
    assert status[second.code] == "draft"  # a draft is not counted up
    combined = next(r for r in data["combined"]["rows"] if r["category"] == "0102")
    assert (combined["total"], combined["resolved"]) == (1, 1)
    assert data["combined"]["resolution_rate"] == 1.0
    assert data["can_remind"]

    before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    r = api("township_officer").post(
        "/api/office/disputes/remind", {"unit_id": township.pk, "kind": "month", "start": p.start.isoformat()}
    )
    assert r.status_code == 200 and r.json()["units"] == len(villages) - 1
    reminded = list(Notification.objects.filter(pk__gt=before).select_related("user"))
    targets = {n.user.unit_id for n in reminded}
    assert first.pk not in targets and second.pk in targets
    assert "village_officer" in {n.user.username for n in reminded}
    assert all(n.kind == "dispute_remind" and n.link == "/office/disputes" for n in reminded)


def test_a_village_can_neither_write_for_nor_read_another_unit(api: Any) -> None:
    other = unit("320111003002")
    p = last_month()
    r = api("village_officer").post(
        "/api/office/disputes/reports", {"unit_id": other.pk, "kind": "month", "period_start": p.start.isoformat()}
    )
    assert r.status_code == 404
    report = disputes.open_draft(User.objects.get(username="township_officer"), other, "month", p.start)
    assert api("village_officer").get(f"/api/office/disputes/reports/{report.pk}").status_code == 404
    # The township reads it, the county too; only the township's own scope may write it.
    assert api("county_officer").get(f"/api/office/disputes/reports/{report.pk}").status_code == 200


def test_the_demo_leaves_a_gap_and_a_late_report_for_the_township_to_see(api: Any) -> None:
    from zongzhi.office.demo_disputes import build_demo

    counts = build_demo()
    assert counts["submitted"] >= 9
    data = api("township_officer").get("/api/office/disputes/overview").json()
    statuses = [r["status"] for r in data["rows"]]
    assert "missing" in statuses
    mine = next(r for r in data["rows"] if r["unit"]["code"] == VILLAGE)
    assert mine["status"] == "draft"  # the village officer's walk: check, correct, submit
    assert "late" in statuses or "late" in [
        r["status"]
        for r in api("township_officer")
        .get("/api/office/disputes/overview", {"start": disputes.recent_periods("month", 2)[1].start.isoformat()})
        .json()["rows"]
    ]
    assert data["own"]["status"] == "submitted"
    county = api("county_officer").get("/api/office/disputes/overview", {"unit": unit(TOWNSHIP).parent_id}).json()
    assert {r["status"] for r in county["rows"]} >= {"submitted", "missing"}
    corrected = DisputeReport.objects.exclude(notes="").filter(unit__level="village")
    assert any(disputes.corrections(r) for r in corrected)
    assert build_demo() == {}  # once


def test_the_units_periods_go_back_to_its_first_report(api: Any) -> None:
    client = api("village_officer")
    assert len(client.get("/api/office/disputes/periods").json()["periods"]) == 3
    older = disputes.recent_periods("month", 5)[4]
    disputes.open_draft(User.objects.get(username="village_officer"), unit(VILLAGE), "month", older.start)
    rows = client.get("/api/office/disputes/periods").json()["periods"]
    assert len(rows) == 5 and rows[-1]["status"] == "draft"
    due = dt.date.fromisoformat(rows[0]["period"]["due_on"])
    assert rows[0]["status"] == "missing" and rows[0]["overdue"] == (timezone.localdate() > due)
