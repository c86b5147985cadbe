"""The sweep tells people the way every action does: through the outbox (production), one text
message per person and reason however many of their cases are overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.cases import services
from zongzhi.cases.models import Case
from zongzhi.cases.sweep import sweep
from zongzhi.notify.models import Notification, PendingNotice
from zongzhi.notify.services import deliver_notices
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db


def test_overdue_cases_are_told_through_the_outbox(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    officer = User.objects.get(username="village_officer")
    for i in range(2):
        data = services.NewCase(
            kind="event",
            title=f"张某某与李某某的邻里纠纷{i}",
            category_code="0102",
            occurred_at=timezone.now() - dt.timedelta(hours=1),
        )
        services.create_case(acting_user=officer, data=data)
    Case.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    PendingNotice.objects.all().delete()  # the reports' own notices

    settings.CELERY_TASK_ALWAYS_EAGER = False  # production: a broker, notices through the outbox
    assert sweep()["yellow"] == 2
    # nothing written to anyone yet: the holder's and the township's notices wait in the outbox
    assert not Notification.objects.filter(kind__in=["overdue", "overdue_parent"]).exists()
    assert sorted(PendingNotice.objects.values_list("reason", flat=True)) == ["overdue"] * 2 + ["overdue_parent"] * 2

    with django_capture_on_commit_callbacks(execute=False) as after_commit:  # the delivery job
        assert deliver_notices() == 4
    assert Notification.objects.filter(user=officer, kind="overdue").count() == 2
    assert Notification.objects.filter(user__username="township_officer", kind="overdue_parent").count() == 2
    # SMS go to the gateway once committed: one text for the two cases, none to the unit above
    texts = {sms.args[1]: sms.args[0] for sms in after_commit}
    assert officer.phone and officer.phone in texts["您有2件办件已超期，请登录综治信息系统查看"]
    assert len(texts) == 1
