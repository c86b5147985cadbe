"""The duty (值班): roster without overlaps, rotations, the log, the handover, who is on duty,
the out-of-hours notice and the sensitive periods' mandatory duty."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from zongzhi.alerts import services_duty as duty
from zongzhi.alerts.models import DutyHandover, DutyLogEntry, DutyShift, SensitivePeriod
from zongzhi.audit.models import AuditLog
from zongzhi.calendar import workdays
from zongzhi.core.democlock import simulated_clock
from zongzhi.core.errors import Conflict
from zongzhi.notify.models import Notification
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks, on PostgreSQL")
TOWNSHIP = "320111003000"
OTHER_TOWNSHIP = "320111004000"


def _at(day: dt.date, hour: int = 8, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _current_start() -> dt.datetime:
    """08:30 of the shift running now (today's, or yesterday's before 08:30)."""
    now = timezone.localtime()
    day = now.date() if now.time() >= dt.time(8, 30) else now.date() - dt.timedelta(days=1)
    return _at(day)


@pytest.fixture
def township(unit: Any) -> Unit:
    return unit(TOWNSHIP)


@pytest.fixture
def colleague(officer: Any) -> User:
    """A second officer of the township (沿江街道综治办)."""
    return officer("duty_colleague", TOWNSHIP, role="township_officer").user  # type: ignore[no-any-return]


def _shift_body(township: Unit, officer: User, start: dt.datetime, hours: int = 24, **extra: Any) -> dict[str, Any]:
    return {
        "unit_id": township.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=hours)).isoformat(),
        "officer_id": officer.pk,
        "duty_phone": "025-58881234",
        **extra,
    }


def test_an_overlapping_shift_is_refused_with_its_code(api: Any, township: Unit) -> None:
    client = api("township_officer")
    me = client.user
    start = _at(timezone.localdate() + dt.timedelta(days=3))
    assert client.post("/api/alerts/duty/shifts", _shift_body(township, me, start)).status_code == 201
    r = client.post("/api/alerts/duty/shifts", _shift_body(township, me, start + dt.timedelta(hours=12)))
    assert r.status_code == 409
    assert r.json()["code"] == "duty_shift_overlap" and "重叠" in r.json()["message"]
    # Back to back is fine: 08:30 to 08:30 the next day, then the next one.
    assert (
        client.post("/api/alerts/duty/shifts", _shift_body(township, me, start + dt.timedelta(hours=24))).status_code
        == 201
    )
    assert DutyShift.objects.filter(unit=township).count() == 2


def test_a_cancelled_shift_frees_its_time_and_stays_on_the_roster(api: Any, township: Unit) -> None:
    client = api("township_officer")
    start = _at(timezone.localdate() + dt.timedelta(days=5))
    shift_id = client.post("/api/alerts/duty/shifts", _shift_body(township, client.user, start)).json()["id"]
    assert client.post(f"/api/alerts/duty/shifts/{shift_id}/cancel", {"reason": "人员调整"}).status_code == 200
    assert client.post("/api/alerts/duty/shifts", _shift_body(township, client.user, start)).status_code == 201
    roster = client.get(
        "/api/alerts/duty/roster", {"unit": township.pk, "first": start.date(), "last": start.date()}
    ).json()
    assert [s["is_cancelled"] for s in roster["shifts"]] == [True, False]


def test_bad_shift_input_gets_every_error_at_once(api: Any, township: Unit, unit: Any) -> None:
    client = api("township_officer")
    stranger = User.objects.get(username="village_officer")  # not of the township
    start = _at(timezone.localdate() + dt.timedelta(days=8))
    body = _shift_body(township, stranger, start, hours=-2)
    r = client.post("/api/alerts/duty/shifts", body)
    assert r.status_code == 400
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"ends_at", "officer_id"}
    assert not DutyShift.objects.filter(unit=township).exists()


def test_a_rotation_puts_a_week_of_shifts_in_turn(api: Any, township: Unit, colleague: User) -> None:
    client = api("township_officer")
    me = client.user
    first = timezone.localdate() + dt.timedelta(days=10)
    r = client.post(
        "/api/alerts/duty/rotations",
        {
            "unit_id": township.pk,
            "first_day": first.isoformat(),
            "last_day": (first + dt.timedelta(days=6)).isoformat(),
            "start_time": "08:30",
            "hours": 24,
            "officer_ids": [me.pk, colleague.pk],
            "leader_ids": [User.objects.get(username="leader").pk],
            "duty_phone": "025-58881234",
        },
    )
    assert r.status_code == 201, r.json()
    shifts = r.json()
    assert len(shifts) == 7
    assert [s["officer"]["full_name"] for s in shifts[:3]] == [me.full_name, colleague.full_name, me.full_name]
    assert all(s["leader"]["full_name"] == "杨明" for s in shifts)
    starts = [dt.datetime.fromisoformat(s["starts_at"]) for s in shifts]
    assert timezone.localtime(starts[0]) == _at(first)
    assert all(b - a == dt.timedelta(hours=24) for a, b in itertools.pairwise(starts))
    assert AuditLog.objects.filter(action="duty.rotation_created", object_id=str(township.pk)).count() == 1
    # A second rotation over the same week is refused as a whole.
    again = client.post(
        "/api/alerts/duty/rotations",
        {
            "unit_id": township.pk,
            "first_day": (first + dt.timedelta(days=5)).isoformat(),
            "last_day": (first + dt.timedelta(days=9)).isoformat(),
            "officer_ids": [colleague.pk],
        },
    )
    assert again.status_code == 409 and again.json()["code"] == "duty_shift_overlap"
    assert DutyShift.objects.filter(unit=township).count() == 7


def test_a_township_reads_a_village_roster_but_does_not_arrange_it(api: Any, unit: Any) -> None:
    village = unit("320111003001")
    vo = api("village_officer")
    start = _at(timezone.localdate() + dt.timedelta(days=2))
    assert vo.post("/api/alerts/duty/shifts", _shift_body(village, vo.user, start)).status_code == 201
    to = api("township_officer")
    roster = to.get("/api/alerts/duty/roster", {"unit": village.pk, "first": start.date()})
    assert roster.status_code == 200 and len(roster.json()["shifts"]) == 1 and not roster.json()["can_edit"]
    r = to.post("/api/alerts/duty/shifts", _shift_body(village, vo.user, start + dt.timedelta(days=1)))
    assert r.status_code == 403 and r.json()["code"] == "duty_not_own_unit"
    # The next township sees nothing of it.
    other = api("township2_officer").get("/api/alerts/duty/roster", {"unit": village.pk})
    assert other.status_code == 404
    shift_id = roster.json()["shifts"][0]["id"]
    assert api("township2_officer").get(f"/api/alerts/duty/shifts/{shift_id}").status_code == 404


def _running_shift(client: Any, township: Unit, officer: User) -> int:
    r = client.post("/api/alerts/duty/shifts", _shift_body(township, officer, _current_start()))
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


def test_log_handover_and_receipt(api: Any, township: Unit, colleague: User) -> None:
    client = api("township_officer")
    current = _running_shift(client, township, client.user)
    nxt = client.post(
        "/api/alerts/duty/shifts", _shift_body(township, colleague, _current_start() + dt.timedelta(hours=24))
    ).json()["id"]
    r = client.post(
        f"/api/alerts/duty/shifts/{current}/log",
        {"kind": "call", "counterpart": "江浦派出所", "content": "通报一起邻里纠纷", "handling": "已转社区调解"},
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "来电"
    # The handover: only the shift's own officer.
    them = api("duty_colleague")
    refused = them.post(f"/api/alerts/duty/shifts/{current}/handover", {"notes": "无"})
    assert refused.status_code == 403 and refused.json()["code"] == "duty_not_officer"
    r = client.post(f"/api/alerts/duty/shifts/{current}/handover", {"notes": "冯墙社区纠纷需跟进"})
    assert r.status_code == 201 and r.json()["to_shift_id"] == nxt
    twice = client.post(f"/api/alerts/duty/shifts/{current}/handover", {"notes": "再交一次"})
    assert twice.status_code == 409 and twice.json()["code"] == "duty_already_handed_over"
    closed = client.post(f"/api/alerts/duty/shifts/{current}/log", {"kind": "other", "content": "补记"})
    assert closed.json()["code"] == "duty_already_handed_over"
    assert Notification.objects.filter(user=colleague, kind="duty_handover").exists()
    # Receiving: only the next shift's officer.
    wrong = client.post(f"/api/alerts/duty/shifts/{current}/receive")
    assert wrong.status_code == 403 and wrong.json()["code"] == "duty_not_next_officer"
    detail = them.get(f"/api/alerts/duty/shifts/{current}").json()
    assert detail["can_receive"] and [e["content"] for e in detail["log"]] == ["通报一起邻里纠纷"]
    ok = them.post(f"/api/alerts/duty/shifts/{current}/receive")
    assert ok.status_code == 200 and ok.json()["received_by"]["full_name"] == colleague.full_name
    assert DutyHandover.objects.get(from_shift_id=current).received_at is not None
    assert them.post(f"/api/alerts/duty/shifts/{current}/receive").json()["code"] == "duty_already_received"


def test_no_log_on_a_cancelled_shift_nor_outside_its_time(api: Any, township: Unit) -> None:
    client = api("township_officer")
    current = _running_shift(client, township, client.user)
    late = (_current_start() + dt.timedelta(hours=30)).isoformat()
    r = client.post(f"/api/alerts/duty/shifts/{current}/log", {"kind": "visit", "content": "来访", "occurred_at": late})
    assert r.status_code == 400 and r.json()["code"] == "duty_log_time"
    empty = client.post(f"/api/alerts/duty/shifts/{current}/log", {"kind": "visit", "content": "  "})
    assert empty.status_code == 400 and empty.json()["code"] == "required"
    client.post(f"/api/alerts/duty/shifts/{current}/cancel", {})
    r = client.post(f"/api/alerts/duty/shifts/{current}/log", {"kind": "visit", "content": "来访"})
    assert r.status_code == 409 and r.json()["code"] == "duty_shift_cancelled"
    assert not DutyLogEntry.objects.filter(shift_id=current).exists()


def test_on_duty_at_a_time_and_the_header_chain(api: Any, township: Unit, colleague: User, unit: Any) -> None:
    client = api("township_officer")
    first = timezone.localdate() + dt.timedelta(days=20)
    client.post(
        "/api/alerts/duty/rotations",
        {
            "unit_id": township.pk,
            "first_day": first.isoformat(),
            "last_day": (first + dt.timedelta(days=1)).isoformat(),
            "officer_ids": [client.user.pk, colleague.pk],
        },
    )
    assert duty.on_duty(township, _at(first, 8, 0)) is None  # before the first shift starts
    assert duty.on_duty(township, _at(first, 20)).officer == client.user  # type: ignore[union-attr]
    assert duty.on_duty(township, _at(first + dt.timedelta(days=1), 8, 29)).officer == client.user  # type: ignore[union-attr]
    assert duty.on_duty(township, _at(first + dt.timedelta(days=1), 8, 30)).officer == colleague  # type: ignore[union-attr]
    # The header: the village officer sees who is on duty at the township now.
    _running_shift(client, township, client.user)
    rows = api("village_officer").get("/api/alerts/duty/now").json()
    assert [r["unit"]["code"] for r in rows] == [
        "320111003001",
        TOWNSHIP,
        "320111000000",
        "320100000000",
        "320000000000",
    ]
    assert rows[0]["officer"] is None
    assert rows[1]["officer"]["full_name"] == "王强" and rows[1]["duty_phone"] == "025-58881234"


def test_notify_on_duty_only_outside_office_hours(
    api: Any, township: Unit, django_capture_on_commit_callbacks: Any
) -> None:
    client = api("township_officer")
    me = User.objects.get(username="township_officer")
    monday = dt.date(2026, 12, 7)
    holiday = dt.date(2026, 10, 1)
    assert workdays.is_workday(monday) and not workdays.is_workday(holiday)
    for day in (monday, holiday - dt.timedelta(days=1)):
        client.post(
            "/api/alerts/duty/rotations",
            {
                "unit_id": township.pk,
                "first_day": day.isoformat(),
                "last_day": day.isoformat() if day == monday else (day + dt.timedelta(days=1)).isoformat(),
                "officer_ids": [me.pk],
            },
        )

    def told(at: dt.datetime) -> int:
        with simulated_clock(at):
            return duty.notify_on_duty(township.pk, "新的蓝色预警", "沿江街道发布蓝色预警", "/alerts/warnings/1")

    before = Notification.objects.filter(user=me, kind="duty").count()
    assert told(_at(monday, 10)) == 0  # office hours: the staff see it
    with django_capture_on_commit_callbacks() as sent:
        assert told(_at(monday, 21)) == 1  # evening
    # The SMS goes out once the caller's transaction commits, to the officer's own phone; its
    # text names nothing of the matter (it passes through the operator's platform).
    (sms,) = sent
    assert sms.args == ([me.phone], duty.SMS_TEXT)  # type: ignore[attr-defined]
    assert told(_at(holiday, 10)) == 1  # a holiday's morning
    notices = Notification.objects.filter(user=me, kind="duty").order_by("id")
    assert notices.count() == before + 2 and notices.last().link == "/alerts/warnings/1"  # type: ignore[union-attr]
    assert told(_at(monday + dt.timedelta(days=3), 22)) == 0  # no one on the roster then


def test_office_hours_are_configurable(settings: Any) -> None:
    settings.ALERTS_OFFICE_HOURS = "09:00-18:00"
    monday = dt.date(2026, 12, 7)
    assert not duty.in_office_hours(_at(monday, 8, 45))
    assert duty.in_office_hours(_at(monday, 17, 45))


def test_sensitive_period_days_without_duty_are_gaps(api: Any, unit: Any) -> None:
    county = unit("320111000000")
    village = unit("320111003001")
    first = timezone.localdate() + dt.timedelta(days=40)
    SensitivePeriod.objects.create(
        name="全国两会",
        unit=county,
        path=county.path,
        starts_on=first,
        ends_on=first + dt.timedelta(days=2),
        created_by=User.objects.get(username="county_officer"),
    )
    vo = api("village_officer")
    vo.post("/api/alerts/duty/shifts", _shift_body(village, vo.user, _at(first)))
    roster = vo.get("/api/alerts/duty/roster", {"unit": village.pk, "first": first, "last": first + dt.timedelta(3)})
    # The first shift (08:30 to 08:30) covers the first day and the morning of the second.
    assert roster.json()["gap_days"] == [(first + dt.timedelta(days=2)).isoformat()]
    assert [p["name"] for p in roster.json()["periods"]] == ["全国两会"]
    gaps = (
        api("township_officer")
        .get("/api/alerts/duty/gaps", {"first": first, "last": first + dt.timedelta(days=3)})
        .json()
    )
    rows = {r["unit"]["code"]: r["gap_days"] for r in gaps["rows"]}
    assert rows["320111003001"] == [(first + dt.timedelta(days=2)).isoformat()]
    assert len(rows["320111003002"]) == 3  # a village with no shift at all
    assert api("township2_officer").get("/api/alerts/duty/gaps", {"unit": unit(TOWNSHIP).pk}).status_code == 404


def _create_in_thread(township_id: int, officer_id: int, start: dt.datetime, barrier: threading.Barrier) -> Any:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            user = User.objects.get(pk=officer_id)
            barrier.wait()
            outcome["shift"] = duty.create_shift(
                acting_user=user,
                unit=Unit.objects.get(pk=township_id),
                starts_at=start,
                ends_at=start + dt.timedelta(hours=24),
                officer_id=officer_id,
            )
        except Conflict as exc:
            outcome["conflict"] = exc.code
        except Exception as exc:  # reported in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@postgres_only
def test_two_officers_saving_overlapping_shifts_at_once_get_one(township: Unit) -> None:
    me = User.objects.get(username="township_officer")
    start = _at(timezone.localdate() + dt.timedelta(days=60))
    barrier = threading.Barrier(2)
    runs = [_create_in_thread(township.pk, me.pk, start + dt.timedelta(hours=h), barrier) for h in (0, 6)]
    for thread, _ in runs:
        thread.join()
    outcomes = [o for _, o in runs]
    try:
        assert all("error" not in o for o in outcomes), outcomes
        assert sorted(o.get("conflict", "created") for o in outcomes) == ["created", "duty_shift_overlap"]
    finally:  # the threads committed: delete their shift outside the test's transaction too
        made = [o["shift"].pk for o in outcomes if "shift" in o]

        def clean() -> None:
            try:
                DutyShift.objects.filter(pk__in=made).delete()
            finally:
                connections.close_all()

        cleaner = threading.Thread(target=clean)
        cleaner.start()
        cleaner.join()
