"""Zero reports: periods (monthly, daily in a sensitive period), one per period, information
reports counting as reported, completeness for the unit above and reminders."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts import services_zero as zero
from zongzhi.alerts.models import InformationReport, SensitivePeriod, ZeroReminder, ZeroReport
from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"  # 冯墙社区 (village_officer)
TOWNSHIP = "320111003000"  # 沿江街道 (township_officer)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def sensitive(code: str, starts: dt.date, ends: dt.date, name: str = "国庆") -> SensitivePeriod:
    u = unit(code)
    return SensitivePeriod.objects.create(
        path=u.path,
        unit=u,
        name=name,
        starts_on=starts,
        ends_on=ends,
        created_by=User.objects.get(username="sysadmin"),
    )


def test_period_is_the_month_outside_and_the_day_inside_a_sensitive_period() -> None:
    village = unit(VILLAGE)
    sensitive("320111000000", dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    before = zero.current_period(village, dt.date(2026, 9, 30))
    assert (before.kind, before.start, before.end) == ("monthly", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    first = zero.current_period(village, dt.date(2026, 10, 1))  # the first day switches to daily
    assert (first.kind, first.start) == ("daily", dt.date(2026, 10, 1))
    assert zero.current_period(village, dt.date(2026, 10, 7)).kind == "daily"
    after = zero.current_period(village, dt.date(2026, 10, 8))
    assert (after.kind, after.start) == ("monthly", dt.date(2026, 10, 1))


def test_a_period_covers_only_its_units_subtree_and_not_once_cancelled() -> None:
    p = sensitive(TOWNSHIP, dt.date(2026, 10, 1), dt.date(2026, 10, 3))
    day = dt.date(2026, 10, 2)
    assert zero.current_period(unit(VILLAGE), day).kind == "daily"
    assert zero.current_period(unit("320111004001"), day).kind == "monthly"  # another township
    assert zero.active_periods(unit(VILLAGE), day) == [p]
    p.is_cancelled = True
    p.save()
    assert zero.current_period(unit(VILLAGE), day).kind == "monthly"


def test_village_files_one_zero_report_per_period(api: Any) -> None:
    client = api("village_officer")
    before = client.get("/api/alerts/zero/current").json()
    assert before["current"]["period"]["kind"] == "monthly" and before["current"]["zero"] is None
    r = client.post("/api/alerts/zero/reports", {})
    assert r.status_code == 201, r.content
    assert r.json()["period_start"] == timezone.localdate().replace(day=1).isoformat()
    again = client.post("/api/alerts/zero/reports", {})
    assert again.status_code == 409
    assert again.json()["code"] == "zero_report_exists"
    assert ZeroReport.objects.filter(unit=unit(VILLAGE)).count() == 1
    now = client.get("/api/alerts/zero/current").json()
    assert now["current"]["zero"]["reported_by"] == "李娜"
    assert AuditLog.objects.filter(action="zero.reported", username="village_officer").exists()


def test_offline_retry_with_the_same_client_id_returns_the_first_report(api: Any) -> None:
    client = api("village_officer")
    cid = str(uuid.uuid4())
    first = client.post("/api/alerts/zero/reports", {"client_id": cid})
    second = client.post("/api/alerts/zero/reports", {"client_id": cid})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


def test_inside_a_sensitive_period_the_report_is_daily_and_the_month_still_owed(api: Any) -> None:
    today = timezone.localdate()
    sensitive("320111000000", today, today + dt.timedelta(days=2), name="全国两会")
    client = api("village_officer")
    state = client.get("/api/alerts/zero/current").json()
    assert state["current"]["period"]["kind"] == "daily"
    assert state["sensitive"][0]["name"] == "全国两会"
    assert state["month"]["period"]["kind"] == "monthly"
    assert client.post("/api/alerts/zero/reports", {}).json()["period_kind"] == "daily"
    assert client.post("/api/alerts/zero/reports", {"kind": "monthly"}).json()["period_kind"] == "monthly"
    assert client.post("/api/alerts/zero/reports", {}).json()["code"] == "zero_report_exists"


def test_daily_report_outside_a_sensitive_period_is_refused(api: Any) -> None:
    r = api("village_officer").post("/api/alerts/zero/reports", {"kind": "daily"})
    assert r.status_code == 400 and r.json()["code"] == "not_sensitive_day"


def _info_report(village: Unit, user: User) -> InformationReport:
    return InformationReport.objects.create(
        path=village.path,
        title="村民聚集",
        description="十余名村民在村委会门口聚集",
        category_code="01",
        source="grid_worker",
        learned_at=timezone.now(),
        reporter_user=user,
        reporter_unit=village,
        holder_unit=village,
    )


def test_information_report_counts_as_reported_in_the_completeness(api: Any) -> None:
    township = unit(TOWNSHIP)
    village = unit(VILLAGE)
    table = api("township_officer").get(f"/api/alerts/zero/completeness?unit={township.pk}").json()
    row = next(r for r in table["rows"] if r["unit"]["id"] == village.pk)
    assert row["status"] == "missing"
    report = _info_report(village, User.objects.get(username="village_officer"))
    table = api("township_officer").get(f"/api/alerts/zero/completeness?unit={township.pk}").json()
    row = next(r for r in table["rows"] if r["unit"]["id"] == village.pk)
    assert row["status"] == "info" and row["info_report_id"] == report.pk and row["reported_by"] == "李娜"
    # and the village's own page says the month is reported, by the information report
    state = api("village_officer").get("/api/alerts/zero/current").json()
    assert state["current"]["info_report_id"] == report.pk


def test_completeness_lists_each_village_with_who_and_when_and_counts(api: Any) -> None:
    township = unit(TOWNSHIP)
    api("village_officer").post("/api/alerts/zero/reports", {})
    table = api("township_officer").get(f"/api/alerts/zero/completeness?unit={township.pk}&kind=monthly").json()
    villages = list(Unit.objects.filter(parent=township, is_retired=False))
    assert len(table["rows"]) == len(villages) > 1
    done = next(r for r in table["rows"] if r["unit"]["code"] == VILLAGE)
    assert done["status"] == "zero" and done["reported_by"] == "李娜" and done["reported_at"]
    assert table["counts"] == {"owed": len(villages), "zero": 1, "info": 0, "missing": len(villages) - 1}
    assert table["can_remind"] is True


def test_daily_completeness_marks_units_outside_the_period_as_not_owed(api: Any) -> None:
    today = timezone.localdate()
    sensitive(VILLAGE, today, today)
    township = unit(TOWNSHIP)
    table = (
        api("township_officer")
        .get(f"/api/alerts/zero/completeness?unit={township.pk}&kind=daily&start={today.isoformat()}")
        .json()
    )
    statuses = {r["unit"]["code"]: r["status"] for r in table["rows"]}
    assert statuses[VILLAGE] == "missing"
    assert {s for code, s in statuses.items() if code != VILLAGE} == {"not_owed"}
    assert table["counts"]["owed"] == 1


def test_remind_tells_only_the_units_not_yet_reported(api: Any, django_capture_on_commit_callbacks: Any) -> None:
    township = unit(TOWNSHIP)
    api("village_officer").post("/api/alerts/zero/reports", {})
    other_village = Unit.objects.filter(parent=township, is_retired=False).exclude(code=VILLAGE).first()
    assert other_village is not None
    officer = User.objects.create(username="other_village_officer", full_name="钱敏", unit=other_village)
    from zongzhi.units.models import Role

    officer.roles.set([Role.objects.get(code="village_officer")])
    start = timezone.localdate().replace(day=1).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        r = api("township_officer").post(
            "/api/alerts/zero/remind", {"unit_id": township.pk, "kind": "monthly", "start": start}
        )
    assert r.status_code == 200, r.content
    reminder = ZeroReminder.objects.get(pk=r.json()["id"])
    assert unit(VILLAGE).pk not in reminder.units and other_village.pk in reminder.units
    notice = Notification.objects.get(user=officer, kind="zero_remind")
    assert notice.link == "/alerts/zero" and "零报告" in notice.title
    assert not Notification.objects.filter(user__username="village_officer", kind="zero_remind").exists()
    table = api("township_officer").get(f"/api/alerts/zero/completeness?unit={township.pk}").json()
    assert table["last_reminder"]["sender_user"] == "王强"


def test_remind_needs_the_screening_capability(api: Any) -> None:
    township = unit(TOWNSHIP)
    start = timezone.localdate().replace(day=1).isoformat()
    r = api("grid_worker").post(
        "/api/alerts/zero/remind", {"unit_id": unit(VILLAGE).pk, "kind": "monthly", "start": start}
    )
    assert r.status_code == 403
    assert township  # the grid worker sees only its village; the township is hidden from it


def test_unit_month_completeness_counts_sensitive_days(api: Any) -> None:
    village = unit(VILLAGE)
    today = timezone.localdate()
    month_start = today.replace(day=1)
    sensitive("320111000000", month_start, month_start + dt.timedelta(days=2))
    user = User.objects.get(username="village_officer")
    ZeroReport.objects.create(
        path=village.path, unit=village, period_kind="daily", period_start=month_start, reported_by=user
    )
    result = zero.unit_month_completeness(village, today)
    assert result == {"monthly_reported": False, "days_owed": 3, "days_reported": 1}


def test_a_report_queued_offline_in_an_ended_period_is_refused(api: Any) -> None:
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    r = api("village_officer").post(
        "/api/alerts/zero/reports", {"client_id": str(uuid.uuid4()), "period_start": last_month.isoformat()}
    )
    assert r.status_code == 409 and r.json()["code"] == "period_changed"
    assert not ZeroReport.objects.filter(unit=unit(VILLAGE)).exists()
