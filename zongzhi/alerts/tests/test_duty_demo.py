"""The duty demo writes a month of rosters through the services, with logs and handovers."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts import services_duty as duty
from zongzhi.alerts.demo_duty import DAYS, build_duty_demo
from zongzhi.alerts.models import DutyHandover, DutyShift
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_duty_demo_runs_and_someone_is_on_duty_now(api: Any) -> None:
    counts = build_duty_demo()
    county = Unit.objects.get(code="320111000000")
    assert counts["shifts"] >= (DAYS + 1) * 3 and counts["log_entries"] > DAYS and counts["handovers"] >= DAYS
    now_shift = duty.on_duty(county)
    assert now_shift is not None and now_shift.leader is not None and now_shift.leader.username == "leader"
    assert DutyHandover.objects.filter(received_at__isnull=False).count() > DAYS
    # In the past: every shift of the county written at its own time, the creation before it.
    past = DutyShift.objects.filter(unit=county).order_by("starts_at").first()
    assert past is not None and past.created_at < past.starts_at < timezone.now()
    # Run again: nothing more.
    assert build_duty_demo()["shifts"] == 0
    rows = api("village_officer").get("/api/alerts/duty/now").json()
    assert rows[0]["officer"] is not None and rows[1]["officer"] is not None
