"""With a broker (production), a case's notices go through the outbox and the delivery job."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from django.utils import timezone

from zongzhi import celery_app
from zongzhi.cases.models import Case
from zongzhi.notify.models import Notification, PendingNotice
from zongzhi.notify.services import deliver_notices

pytestmark = pytest.mark.django_db

# The suite's own Redis database (the PostgreSQL run beside it uses another): flushed here.
REDIS = os.environ.get("ZONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def broker(settings: Any) -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.update(broker_url=REDIS, task_always_eager=False)
    _drop_connections()
    yield client
    celery_app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
    _drop_connections()
    client.flushdb()


def _drop_connections() -> None:
    """The producer pool holds connections to the broker it was made for."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None


def test_a_report_leaves_its_notice_in_the_outbox_and_the_job_delivers_it(
    api: Any, broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def report(title: str) -> int:
        r = api("grid_worker").post(
            "/api/cases",
            {"kind": "event", "title": title, "category_code": "0102", "occurred_at": timezone.now().isoformat()},
        )
        assert r.status_code == 201, r.json()
        return int(r.json()["case"]["id"])

    first, second = report("王某某与黄某某的邻里纠纷"), report("李某某与赵某某的宅基地纠纷")
    # the requests wrote no notice themselves: they wait in the outbox, committed with the cases
    assert not Notification.objects.filter(case_id__in=[first, second]).exists()
    assert sorted(PendingNotice.objects.values_list("case", flat=True)) == [first, second]

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_notices() == 2
    notes = Notification.objects.filter(user__username="village_officer", case_id__in=[first, second])
    assert sorted(n.body for n in notes) == sorted(
        [f"{c.number}「{c.title}」已送达，请及时受理" for c in Case.objects.filter(pk__in=[first, second])]
    )
    assert not PendingNotice.objects.exists()
    assert deliver_notices() == 0  # delivered once only
    # one SMS per person for the batch, handed to the broker for the SMS worker
    messages = [json.loads(m) for m in broker.lrange("celery", 0, -1)]
    assert [m["headers"]["task"] for m in messages] == ["notify.send_sms"]
    phones, text = json.loads(base64.b64decode(messages[0]["body"]))[0]
    assert text == "您有新的待办办件，请登录综治信息系统查看" and len(phones) == len(set(phones)) >= 1
