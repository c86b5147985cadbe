"""Retention: entries are kept at least 180 days; older ones may be purged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zongzhi.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def test_purge_removes_only_entries_past_retention() -> None:
    old = AuditLog.objects.create(layer="event", action="auth.login", at=timezone.now() - timedelta(days=200))
    young = AuditLog.objects.create(layer="event", action="auth.login", at=timezone.now() - timedelta(days=170))
    call_command("purge_audit")
    assert not AuditLog.objects.filter(pk=old.pk).exists()
    assert AuditLog.objects.filter(pk=young.pk).exists()
    assert AuditLog.objects.filter(action="audit.purged", username="system").exists()


def test_purge_refuses_a_retention_below_180_days() -> None:
    with pytest.raises(CommandError):
        call_command("purge_audit", "--days", "30")
