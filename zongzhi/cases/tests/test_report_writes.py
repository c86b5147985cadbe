"""What a report writes, and on PostgreSQL how: the case, its creation record, its first
timeline step, the `case.created` event and the holder's notice, all or nothing, in one message."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.cases import services
from zongzhi.cases.models import Case, CaseAction
from zongzhi.notify.models import PendingNotice
from zongzhi.units.demo import GRID_1
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's messages")


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
    r = api("village_officer").post("/api/cases", _body())
    assert r.status_code == 201
    case = Case.objects.get(pk=r.json()["case"]["id"])
    assert case.number == r.json()["case"]["number"] and case.number.startswith("SJ")
    created = AuditLog.objects.get(object_type="cases.case", object_id=str(case.pk), action="create")
    # The change log shows the case as written, number included.
    assert created.changes["number"] == [None, case.number] and created.changes["title"][1] == case.title
    assert created.username == "village_officer"
    assert AuditLog.objects.filter(action="case.created", object_id=str(case.pk)).count() == 1
    assert list(CaseAction.objects.filter(case=case).values_list("action", flat=True)) == ["report"]
    notice = PendingNotice.objects.get(case=case.pk)
    assert notice.unit == case.holder_unit_id and case.number in notice.body


@postgres_only
def test_a_report_writes_in_one_message(api: Any, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = api("village_officer")
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/cases", _body()).status_code == 201
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == 1
    for table in ("cases_case", "cases_caseaction", "audit_auditlog", "notify_pendingnotice"):
        assert f"INSERT INTO {connection.ops.quote_name(table)}" in writes[0] or f"INSERT INTO {table}" in writes[0]


@postgres_only
def test_outside_a_transaction_a_resent_report_adds_nothing(settings: Any) -> None:
    """The path the server takes: no transaction around the report, one implicit one for its
    message. A resent report is refused by the database as a whole and answered with the case."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    outcome: dict[str, Any] = {}

    def report_twice() -> None:  # its own connection: not inside the test's transaction
        try:
            user = User.objects.get(username="village_officer")
            data = services.NewCase(
                kind="event",
                title="王某某与黄某某的劳资纠纷",
                category_code="0108",
                occurred_at=timezone.now() - dt.timedelta(hours=1),
                people_count=2,
                client_id=uuid.uuid4(),
            )
            assert not connection.in_atomic_block
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
        except Exception as exc:  # reported in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=report_twice)
    thread.start()
    thread.join()
    assert "error" not in outcome, outcome.get("error")
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
