"""Fixtures of the warnings' tests: a township's police station user, and generated files kept
in a temporary media folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

from zongzhi.units.models import Department, Role, User


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def send_captured_sms(callbacks: list[Callable[[], Any]]) -> int:
    """Send the text messages that the captured on-commit callbacks would have queued, through
    the task's body (the gateway's log backend writes `SmsMessage` rows). Running the callbacks
    themselves would open Celery's producer pool, which other tests' broker fixture replaces."""
    from zongzhi.notify.sms import send_sms_task

    sent = 0
    for callback in callbacks:
        func = getattr(callback, "func", None)
        if getattr(func, "__self__", None) is send_sms_task or getattr(func, "__name__", "") == "delay":
            sent += send_sms_task(*callback.args)
    return sent


@pytest.fixture
def station(db: Any) -> Department:
    """沿江派出所: a department of the township 沿江街道 (320111003)."""
    return Department.objects.get(unit__code="320111003000", name__endswith="派出所")


@pytest.fixture
def station_user(db: Any, station: Department, api: Callable[..., Any]) -> Any:
    """A client for an officer of 沿江派出所 (department_user: `alerts.report`)."""
    user = User.objects.create(
        username="station_officer",
        full_name="派出所民警",
        phone="13905149999",
        unit=station.unit,
        department=station,
        must_change_password=False,
    )
    user.roles.set(Role.objects.filter(code="department_user"))
    user.view_scope.set([station.unit])
    return api("station_officer")
