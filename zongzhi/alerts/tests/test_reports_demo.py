"""The demo's information reports run through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts.demo_reports import build_reports_demo
from zongzhi.alerts.models import InfoAction, InfoLapse, InformationReport

pytestmark = pytest.mark.django_db


def test_the_demo_writes_a_month_of_reports_with_a_late_one_a_case_and_a_secret(api: Any) -> None:
    out = build_reports_demo()
    assert out["reports"] >= 20 and out["late"] >= 1 and out["converted"] == 1 and out["overdue"] >= 1
    reports = InformationReport.objects.all()
    assert reports.filter(classification="secret").count() == 1
    assert reports.filter(holder_unit__code="320111000000").count() >= 3  # forwarded to the county
    assert InfoAction.objects.filter(kind="follow_up").count() >= 3
    late = InfoLapse.objects.get(kind="late")
    assert late.unit.code == "320111003001" and (late.minutes_late or 0) >= 30
    oldest = reports.order_by("created_at").first()
    assert oldest is not None and (timezone.now() - oldest.created_at).days >= 25
    assert all(r.created_at <= timezone.now() for r in reports)
    # the village's 待研判 tab has the recent ones
    todo = api("village_officer").get("/api/alerts/reports", {"box": "todo"}).json()["items"]
    assert len(todo) >= 2 and any(r["is_overdue"] for r in todo)
