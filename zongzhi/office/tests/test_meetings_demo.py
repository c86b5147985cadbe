"""The meetings part's demo runs and leaves what users are shown: monthly meetings with a gap
the township sees, a joint meeting whose decisions are tasks, work logs with one case."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from zongzhi.office.demo_meetings import GAP_VILLAGE, build_demo
from zongzhi.office.models import MeetingDecision, WorkLog
from zongzhi.units.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_writes_meetings_with_a_gap_decisions_and_logs(api: Any, tmp_path: Any) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        counts = build_demo()
    assert counts["meetings"] > 20 and counts["work_logs"] == 20
    assert counts["decisions"] >= 1
    assert MeetingDecision.objects.filter(case__isnull=False).count() == counts["decisions"]
    assert WorkLog.objects.filter(case__isnull=False).count() == 1
    township = Unit.objects.get(code="320111003000")
    out = api("township_officer").get("/api/office/meetings/regular", {"unit": township.pk, "months": 3}).json()
    rows = {r["unit"]["code"]: r for r in out["rows"]}
    assert rows[GAP_VILLAGE]["months"][1]["missing"] is True
    assert rows["320111003001"]["months"][1]["count"] == 1
    assert build_demo()["meetings"] == 0  # a second run writes nothing
