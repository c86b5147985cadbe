"""The alerts' hand-written SQL (alerts/queries.py) returns what its ORM form returns, in the
number of statements it promises."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zongzhi.units.models import Unit

from ..models import WarningRecipient
from ..queries import claim_due
from ..services_warnings import due_recipients

pytestmark = pytest.mark.django_db


def _overdue_recipients(api: Any, count: int) -> None:
    township = Unit.objects.get(code="320111003000")
    villages = list(Unit.objects.filter(parent=township, level="village").order_by("code")[:count])
    body = {"title": "越级上访苗头", "body": "有群众酝酿集体上访。", "level": "red", "department_ids": []}
    r = api("township_officer").post("/api/alerts/warnings", {**body, "unit_ids": [v.pk for v in villages]})
    assert r.status_code == 201, r.json()
    now = timezone.now()
    for minutes, row in enumerate(WarningRecipient.objects.order_by("id")):
        row.ack_due_at = now - dt.timedelta(minutes=10 + minutes)
        row.save(update_fields=["ack_due_at"])


def test_claim_due_takes_what_the_orm_selects_earliest_first_in_one_statement(api: Any) -> None:
    _overdue_recipients(api, 3)
    now = timezone.now()
    due = due_recipients(now)
    orm_form = list(due.order_by("ack_due_at").values_list("id", flat=True)[:2])
    with CaptureQueriesContext(connection) as queries:
        claimed = claim_due(due, 2, now)
    assert len(queries) == 1
    assert sorted(claimed) == sorted(orm_form)
    assert set(WarningRecipient.objects.filter(escalated_at=now).values_list("id", flat=True)) == set(claimed)
    # The rest, then nothing: a claimed recipient is no longer due.
    rest = claim_due(due_recipients(now), 2, now)
    assert len(rest) == 1 and not set(rest) & set(claimed)
    assert claim_due(due_recipients(now), 2, now) == []
