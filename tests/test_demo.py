"""What a new user sees after `make run`: the demo covers the twelve months up to today."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.test import override_settings
from django.utils import timezone

from zongzhi.cases.models import Case, CaseAction, Kind, Status
from zongzhi.core.cache import clear_all
from zongzhi.notify.models import Notification
from zongzhi.people.models import PersonCategory, Visit


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo built once for this module's tests (each runs inside it and is rolled back),
    and undone after them."""
    out = StringIO()
    clear_all()
    # the personal-data key every test uses (conftest._plain_http)
    with override_settings(DATA_KEY="5a" * 32), django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--size", "small", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
    clear_all()  # the ids of the rolled-back rows are used again


def test_demo_cases_cover_the_last_twelve_months_up_to_today(demo: str, db: Any) -> None:
    now = timezone.now()
    span = Case.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert now - dt.timedelta(days=366) <= span["first"] < now - dt.timedelta(days=180)
    assert now - dt.timedelta(days=2) <= span["last"] <= now
    kinds = set(Case.objects.values_list("kind", flat=True))
    statuses = set(Case.objects.values_list("status", flat=True))
    assert kinds == set(Kind.values)
    assert statuses == set(Status.values)
    assert Case.objects.filter(overdue_level=2).exists(), "a yellow card"
    assert Case.objects.filter(overdue_level=3).exists(), "a red card"
    assert Case.objects.filter(supervision__gt=0).exists()
    # reported from the phone: the position lies in one of the grid worker's grids
    phoned = Case.objects.filter(initiator_user__username="grid_worker", latitude__isnull=False)
    assert phoned.exists()
    assert all(c.details.get("located_in_grid") and c.path.startswith("320111003001") for c in phoned)
    assert Case.objects.filter(holder_department__name="浦口公安分局").exists(), "handed to the police"


def test_every_case_has_a_timeline_in_time_order(demo: str, db: Any) -> None:
    now = timezone.now()
    steps: dict[int, list[tuple[int, dt.datetime, str, str]]] = {}
    for row in CaseAction.objects.order_by("id").values_list("case_id", "id", "created_at", "from_status", "to_status"):
        steps.setdefault(row[0], []).append(row[1:])
    for case in Case.objects.all():
        timeline = steps[case.pk]
        times = [t for _id, t, _f, _to in timeline]
        assert times == sorted(times), case.number
        assert case.created_at <= times[0] and times[-1] <= now, case.number
        # each step starts from the state the one before left; the last one is the case's state
        for (_a, _t, _f, before), (_b, _u, after, _to) in itertools.pairwise(timeline):
            assert after in ("", before), case.number
        last_state = [to for _id, _t, _f, to in timeline if to][-1]
        assert last_state == case.status, case.number
        if case.completed_at is not None:
            assert case.created_at <= case.completed_at <= now


def test_each_persona_sees_this_month_and_something_to_do(demo: str, api: Callable[[str], Any]) -> None:
    for persona in ("grid_worker", "village_officer", "township_officer", "township2_officer", "county_officer"):
        stats = api(persona).get("/api/cases/stats").json()
        assert stats["month"] == timezone.localdate().strftime("%Y-%m")
        assert stats["total"] > 0, persona
    township = api("township_officer").get("/api/cases/stats").json()
    assert {row["code"] for row in township["by_kind"] if row["count"]} >= {"event", "task"}
    for persona in ("village_officer", "township_officer", "dept_police"):
        counts = api(persona).get("/api/cases/counts").json()
        assert counts["todo"] > 0 and counts["done"] > 0, persona
    assert api("county_officer").get("/api/cases/counts").json()["overdue"] > 0
    for persona in ("grid_worker", "village_officer", "township_officer", "county_officer", "dept_police"):
        assert Notification.objects.filter(user__username=persona).exists(), persona
    notes = Notification.objects.filter(user__username="village_officer")
    assert notes.filter(read_at__isnull=True, created_at__gt=timezone.now() - dt.timedelta(days=3)).exists()
    assert not notes.filter(read_at__isnull=True, created_at__lt=timezone.now() - dt.timedelta(days=4)).exists()


def test_visits_and_inspections_have_gaps_and_some_are_due(demo: str, api: Callable[[str], Any]) -> None:
    today = timezone.localdate()
    overdue = api("village_officer").get("/api/registry/categories", {"due": "overdue"}).json()["items"]
    assert overdue, "the 逾期 list shows someone"
    visited = Visit.objects.filter(visited_on__gte=today - dt.timedelta(days=365))
    assert visited.filter(visited_on__lt=today - dt.timedelta(days=270)).exists()
    assert visited.filter(visited_on__gte=today - dt.timedelta(days=30)).exists()
    late_once = 0
    for category in PersonCategory.objects.filter(visit_count__gte=3):
        days = sorted(category.visits.values_list("visited_on", flat=True))
        assert category.last_visit_on == days[-1]
        if any((b - a).days > category.visit_every_days + 3 for a, b in itertools.pairwise(days)):
            late_once += 1
    assert late_once > 0, "some visits came later than due"
    # the cameras are inspected month by month; a month was missed, some wait for this month's
    from zongzhi.places.models import Facility

    missed = 0
    for camera in Facility.objects.all():
        months = {(d.year, d.month) for d in camera.inspections.values_list("inspected_on", flat=True)}
        wanted = {((today.month - k - 1) // 12 + today.year, (today.month - k - 1) % 12 + 1) for k in range(1, 12)}
        missed += len(wanted - months)
    assert missed > 0
    listed = api("village_officer").get("/api/registry/places/facilities", {"limit": 50}).json()["items"]
    assert any(f["missing_inspection"] for f in listed) and not all(f["missing_inspection"] for f in listed)


def test_the_alerts_have_a_month_of_work_with_a_late_report_and_a_missing_zero_report(
    demo: str, api: Callable[[str], Any]
) -> None:
    from zongzhi.alerts.models import DutyShift, EarlyWarning, InfoLapse, InformationReport
    from zongzhi.units.models import Unit

    today = timezone.localdate()
    month_ago = timezone.now() - dt.timedelta(days=28)
    assert InformationReport.objects.filter(created_at__lt=month_ago).exists()
    assert InformationReport.objects.filter(created_at__date__gte=today - dt.timedelta(days=3)).exists()
    assert InfoLapse.objects.filter(kind="late", withdrawn_at__isnull=True).exists()
    assert (
        EarlyWarning.objects.filter(level="yellow").exists() and EarlyWarning.objects.filter(status="lifted").exists()
    )
    assert DutyShift.objects.filter(starts_at__lte=timezone.now(), ends_at__gt=timezone.now()).exists()
    township = api("township_officer")
    assert township.get("/api/alerts/reports", {"box": "all"}).json()["items"]
    assert township.get("/api/alerts/warnings", {"box": "sent"}).json()["items"]
    # Last month, at least one village of the township owes its zero report still.
    unit = Unit.objects.get(code="320111003000")
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    table = township.get(
        "/api/alerts/zero/completeness", {"unit": unit.pk, "kind": "monthly", "start": start.isoformat()}
    ).json()
    statuses = {row["status"] for row in table["rows"]}
    assert "missing" in statuses and statuses & {"zero", "info"}, statuses
    assert "演示预警与信息报送" in demo


# --- assess
def test_demo_assessment_has_rubrics_twelve_months_of_scores_hand_scores_and_red_lights(demo: str, db: Any) -> None:
    from zongzhi.assess import services_logins
    from zongzhi.assess.models import HandScore, Rubric, UnitScore
    from zongzhi.units.models import User

    today = timezone.localdate()
    assert set(Rubric.objects.filter(unit__code="320111000000").values_list("year", flat=True)) == {
        today.year - 1,
        today.year,
    }
    months = sorted(set(UnitScore.objects.values_list("month", flat=True)))
    assert len(months) == 12 and months[-1] == today.replace(day=1)
    assert HandScore.objects.filter(scored_by__username="township_officer").exists()
    assert HandScore.objects.filter(scored_by__username="county_officer").exists()
    officer = User.objects.get(username="township_officer")
    year = services_logins.login_lights(acting_user=officer, unit=officer.unit, kind="year", day=today)
    lights = {light for row in year.workers for _n, light in row.cells}
    assert {"green", "red"} <= lights, "the red light has both colours to show"


# --- end assess
