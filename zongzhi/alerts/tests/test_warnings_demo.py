"""The warnings' demo writes a month of warnings through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from ..demo_warnings import build_warnings_demo
from ..models import EarlyWarning, WarningAction, WarningRecipient

pytestmark = pytest.mark.django_db


def test_demo_writes_a_month_of_warnings(api: Any) -> None:
    counts = build_warnings_demo()
    assert counts["warnings"] >= 20 and counts["acknowledged"] >= 10 and counts["lifted"] >= 5
    assert counts["escalated"] >= 1 and counts["documents"] >= 1
    assert set(EarlyWarning.objects.values_list("level", flat=True)) == {"red", "yellow", "blue"}
    assert WarningAction.objects.filter(kind="raise").exists() and WarningAction.objects.filter(kind="lower").exists()
    assert WarningAction.objects.filter(kind="measure").exists()
    oldest = EarlyWarning.objects.order_by("created_at").first()
    assert oldest is not None and (timezone.now() - oldest.created_at).days >= 25
    # the escalated one shows on the township's overdue list; the village has warnings to sign
    assert WarningRecipient.objects.filter(escalated_at__isnull=False, status="pending").exists()
    assert api("township_officer").get("/api/alerts/warnings", {"overdue": True}).json()["items"]
    assert api("village_officer").get("/api/alerts/warnings", {"box": "pending"}).json()["items"]
    assert build_warnings_demo() == {"warnings": 0}  # once
