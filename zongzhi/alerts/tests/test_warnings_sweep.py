"""The escalation sweep: recipients past their limit are escalated once, and the sender and the
unit above the recipient are told (in the app and by SMS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.notify.models import Notification, SmsMessage
from zongzhi.units.models import Department, Unit

from ..models import WarningAction, WarningRecipient
from ..services_warnings import sweep
from .conftest import send_captured_sms

pytestmark = pytest.mark.django_db
BASE = "/api/alerts/warnings"


def _issue(api: Any, who: str, unit_ids: list[int], department_ids: list[int] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    body = {"title": "越级上访苗头", "body": "有群众酝酿集体上访。", "level": "red"}
    r = api(who).post(BASE, {**body, "unit_ids": unit_ids, "department_ids": list(department_ids)})
    assert r.status_code == 201, r.json()
    return dict(r.json())


def test_escalation_once_tells_sender_and_parent(api: Any, django_capture_on_commit_callbacks: Any) -> None:
    village = Unit.objects.get(code="320111003001")
    # the county warns a village: the township above it is told too
    w = _issue(api, "county_officer", [village.pk])
    WarningRecipient.objects.filter(warning_id=w["id"]).update(ack_due_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep() == 1
    assert send_captured_sms(callbacks) >= 2  # the county's and the township's officers
    row = WarningRecipient.objects.get(warning_id=w["id"])
    assert row.escalated_at is not None
    step = WarningAction.objects.get(warning_id=w["id"], kind="escalate")
    assert step.recipient_id == row.pk and "逾期未签收" in step.comment
    told = set(Notification.objects.filter(kind="warning_overdue").values_list("user__username", flat=True))
    assert {"county_officer", "township_officer"} <= told and "village_officer" not in told
    assert SmsMessage.objects.filter(text__contains="逾期未签收").exists()
    # once only
    with django_capture_on_commit_callbacks() as callbacks:
        assert sweep() == 0
    assert send_captured_sms(callbacks) == 0
    assert WarningAction.objects.filter(warning_id=w["id"], kind="escalate").count() == 1
    # the sender's and the parent's lists show it under 逾期未签收; the village's shows it pending
    for who in ("county_officer", "township_officer"):
        items = api(who).get(BASE, {"overdue": True}).json()["items"]
        assert [i["id"] for i in items] == [w["id"]] and items[0]["overdue"] == 1, who
    detail = api("township_officer").get(f"{BASE}/{w['id']}").json()
    assert detail["recipient_list"][0]["overdue"] is True and detail["recipient_list"][0]["escalated_at"]


def test_sweep_skips_acknowledged_lifted_and_not_yet_due(api: Any) -> None:
    township = Unit.objects.get(code="320111003000")
    villages = list(Unit.objects.filter(parent=township, level="village").order_by("code")[:3])
    acked = _issue(api, "township_officer", [villages[0].pk])
    api("village_officer").post(f"{BASE}/{acked['id']}/acknowledge", {})
    lifted = _issue(api, "township_officer", [villages[1].pk])
    api("township_officer").post(f"{BASE}/{lifted['id']}/lift", {"note": "已化解"})
    _issue(api, "township_officer", [villages[2].pk])  # due in an hour
    WarningRecipient.objects.filter(warning_id__in=[acked["id"], lifted["id"]]).update(
        ack_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert sweep() == 0
    assert not WarningRecipient.objects.filter(escalated_at__isnull=False).exists()


def test_department_recipient_escalates_to_its_own_unit(api: Any) -> None:
    station = Department.objects.get(unit__code="320111003000", name__endswith="派出所")
    w = _issue(api, "township_officer", [], [station.pk])
    WarningRecipient.objects.update(ack_due_at=timezone.now() - dt.timedelta(minutes=1))
    assert sweep(timezone.now()) == 1
    told = set(Notification.objects.filter(kind="warning_overdue").values_list("user__username", flat=True))
    assert told == {"township_officer"}
    assert WarningAction.objects.filter(warning_id=w["id"], kind="escalate").count() == 1


def test_a_level_change_restarts_the_limit_of_an_escalated_recipient(api: Any) -> None:
    village = Unit.objects.get(code="320111003001")
    w = _issue(api, "township_officer", [village.pk])
    WarningRecipient.objects.update(ack_due_at=timezone.now() - dt.timedelta(minutes=1))
    assert sweep() == 1
    api("township_officer").post(f"{BASE}/{w['id']}/level", {"level": "blue"})
    row = WarningRecipient.objects.get(warning_id=w["id"])
    assert row.escalated_at is None and row.ack_due_at > timezone.now()


def test_the_sweep_task_is_scheduled_and_registered() -> None:
    from celery import current_app
    from django.conf import settings

    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "alerts.sweep_warnings" in tasks
    assert current_app.tasks["alerts.sweep_warnings"]() == 0
