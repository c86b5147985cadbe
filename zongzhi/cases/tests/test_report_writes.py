"""What a report writes: the case, its creation record, its first timeline step, the
`case.created` event and the holder's notice, all or nothing, also on the server's path (no
transaction around the request, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.cases import services
from zongzhi.cases.models import Case, CaseAction
from zongzhi.notify.models import PendingNotice
from zongzhi.units.demo import GRID_1
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the server's path, on PostgreSQL")


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "event",
        "title": "王某某与黄某某的劳资纠纷",
        "category_code": "0108",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "people_count": 2,
        "client_id": str(uuid.uuid4()),
        **extra,
    }


def test_a_report_leaves_its_creation_record_timeline_event_and_notice(api: Any, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False  # production: notices through the outbox
    r = api("grid_worker").post("/api/cases", _body())
    assert r.status_code == 201
    case = Case.objects.get(pk=r.json()["case"]["id"])
    assert case.number == r.json()["case"]["number"] and case.number.startswith("SJ")
    created = AuditLog.objects.get(object_type="cases.case", object_id=str(case.pk), action="create")
    # The change log shows the case as written, number included.
    assert created.changes["number"] == [None, case.number] and created.changes["title"][1] == case.title
    assert created.username == "grid_worker"
    assert AuditLog.objects.filter(action="case.created", object_id=str(case.pk)).count() == 1
    assert list(CaseAction.objects.filter(case=case).values_list("action", flat=True)) == ["report"]
    notice = PendingNotice.objects.get(case=case.pk)
    assert notice.unit == case.holder_unit_id and case.number in notice.body


def _in_own_connection(work: Any) -> dict[str, Any]:
    """Run `work(outcome)` in a thread with its own connection: outside the test's transaction,
    as the server runs a request (no transaction around it)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            assert not connection.in_atomic_block
            work(outcome)
        except Exception as exc:  # reported in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    return outcome


def _new_case(title: str = "王某某与黄某某的劳资纠纷") -> services.NewCase:
    return services.NewCase(
        kind="event",
        title=title,
        category_code="0108",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        people_count=2,
        client_id=uuid.uuid4(),
    )


@postgres_only
def test_outside_a_transaction_a_report_refused_at_its_last_write_leaves_nothing(settings: Any) -> None:
    """All or nothing on the server's path: the database refuses the holder's notice (the
    report's last write), and the case, its creation record, its step and its event are not
    written either. The error is the notice's own."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    table = PendingNotice._meta.db_table

    def work(outcome: dict[str, Any]) -> None:
        user = User.objects.get(username="grid_worker")
        data = _new_case(title="拒收通知的测试纠纷")
        before = (Case.objects.count(), CaseAction.objects.count(), AuditLog.objects.count())
        with connection.cursor() as cursor:  # a database that refuses this report's notice
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT refuse_test CHECK (body NOT LIKE '%%拒收通知%%')")
        try:
            services.create_case(acting_user=user, data=data)
        except IntegrityError as exc:
            outcome["cause"] = (type(exc.__cause__).__name__, exc.__cause__.diag.constraint_name)  # type: ignore[union-attr]
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT refuse_test")
        outcome["after"] = (Case.objects.count(), CaseAction.objects.count(), AuditLog.objects.count())
        outcome["before"] = before
        outcome["case"] = Case.objects.filter(client_id=data.client_id).exists()

    outcome = _in_own_connection(work)
    assert outcome["cause"] == ("CheckViolation", "refuse_test")
    assert not outcome["case"] and outcome["after"] == outcome["before"]


@postgres_only
def test_outside_a_transaction_a_resent_report_adds_nothing(settings: Any) -> None:
    """The path the server takes: no transaction around the request, one of the report's own.
    A resent report is refused by the database as a whole and answered with the case."""
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def report_twice(outcome: dict[str, Any]) -> None:
        user = User.objects.get(username="grid_worker")
        data = _new_case()
        first, created = services.create_case(acting_user=user, data=data)
        again, created_again = services.create_case(acting_user=user, data=data)
        outcome.update(
            created=(created, created_again),
            same=first.pk == again.pk,
            cases=Case.objects.filter(client_id=data.client_id).count(),
            steps=CaseAction.objects.filter(case=first).count(),
            events=AuditLog.objects.filter(action="case.created", object_id=str(first.pk)).count(),
            notices=PendingNotice.objects.filter(case=first.pk).count(),
        )
        CaseAction.objects.filter(case=first).delete()
        PendingNotice.objects.filter(case=first.pk).delete()
        Case.objects.filter(pk=first.pk).delete()

    outcome = _in_own_connection(report_twice)
    assert outcome["created"] == (True, False) and outcome["same"]
    assert (outcome["cases"], outcome["steps"], outcome["events"], outcome["notices"]) == (1, 1, 1, 1)


def test_a_report_in_a_grid_just_moved_lands_under_its_new_path(api: Any, unit: Any) -> None:
    ring = unit(GRID_1).boundary["coordinates"][0][:4]
    position = {"latitude": sum(p[1] for p in ring) / 4, "longitude": sum(p[0] for p in ring) / 4}
    county = api("county_officer")
    first = county.post("/api/cases", _body(**position))  # the district's grids are now cached
    assert first.status_code == 201 and first.json()["case"]["path"] == GRID_1
    village, street = unit("320111003001"), unit("320111004")
    moved = api("sysadmin").post(f"/api/units/{village.pk}/move", {"parent_id": street.pk, "code": "320111004091"})
    assert moved.status_code == 200
    again = county.post("/api/cases", _body(**position))
    assert again.status_code == 201 and again.json()["case"]["path"] == "320111004091001"
