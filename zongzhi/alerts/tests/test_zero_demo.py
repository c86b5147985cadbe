"""The zero-report part's demo runs, and leaves what the users are shown: a gap, a reminder,
delivery statuses, an informant's phone account."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts import services_zero as zero
from zongzhi.alerts.demo_zero import build_zero_demo
from zongzhi.alerts.models import GroupSmsRecipient, Informant, ZeroReminder
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db


def test_demo_writes_the_network_reports_gaps_and_texts() -> None:
    counts = build_zero_demo()
    assert counts["informants"] > 10 and counts["zero_reports"] > 50 and counts["group_sms"] == 2
    township = Unit.objects.get(code="320111003000")
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    table = zero.completeness(User.objects.get(username="township_officer"), township, zero.month_period(last_month))
    assert table["counts"]["missing"] >= 1 and table["counts"]["zero"] >= 1
    assert ZeroReminder.objects.filter(sender_unit=township, period_start=last_month).exists()
    statuses = set(GroupSmsRecipient.objects.values_list("status", flat=True))
    assert {"sent", "failed", "no_phone"} <= statuses
    assert Informant.objects.filter(user__username="xxy_fengqiang").exists()
    assert build_zero_demo()["informants"] == 0  # a second run writes nothing


def test_demo_informant_logs_in_with_a_limited_account(api: Any) -> None:
    build_zero_demo()
    state = api("xxy_fengqiang").get("/api/alerts/zero/current").json()
    assert state["informant_name"]
