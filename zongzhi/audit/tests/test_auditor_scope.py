"""The auditor reads the log of their own jurisdiction only."""

from __future__ import annotations

from typing import Any

import pytest

from zongzhi.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_county_auditor_does_not_see_the_city_above(api: Any) -> None:
    outside = AuditLog.objects.create(layer="event", action="unit.renamed", object_path="3201", actor_path="3201")
    inside = AuditLog.objects.create(layer="event", action="unit.renamed", object_path="320111003", actor_path="320111")
    ids = {e["id"] for e in api("auditor").get("/api/audit", {"action": "unit.renamed", "limit": 500}).json()["items"]}
    assert inside.pk in ids and outside.pk not in ids


def test_unit_filter_takes_a_full_code_or_a_path(api: Any) -> None:
    entry = AuditLog.objects.create(layer="event", action="unit.renamed", object_path="320111003001")
    for unit in ("320111003000", "320111003"):
        found = api("auditor").get("/api/audit", {"unit": unit, "action": "unit.renamed"}).json()["items"]
        assert entry.pk in {e["id"] for e in found}, unit
