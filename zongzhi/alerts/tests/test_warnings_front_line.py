"""Warnings reach the grid worker: a warning sent to a village is acknowledged by the grid
workers of its grids too (the village's front line); the recipient row stays the village's."""

from __future__ import annotations

from typing import Any

import pytest

from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.units.models import Unit

from ..models import WarningAction, WarningRecipient

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"  # 冯墙社区: grid_worker (张伟) captures two of its grids
NEXT_VILLAGE = "320111003002"  # the same township's next village
BASE = "/api/alerts/warnings"


def _issue(api: Any, *codes: str) -> dict[str, Any]:
    r = api("township_officer").post(
        BASE,
        {
            "title": "冯墙社区拆迁群众反映不按意愿拆迁",
            "body": "有越级上访苗头，请立即稳控。",
            "level": "red",
            "unit_ids": [Unit.objects.get(code=c).pk for c in codes or (VILLAGE,)],
            "department_ids": [],
        },
    )
    assert r.status_code == 201, r.json()
    return dict(r.json())


def _other_worker(officer: Any) -> Any:
    """A grid worker of the next village, whose view and capture scope is their own grid."""
    grid = Unit.objects.filter(parent__code=NEXT_VILLAGE, level="grid").order_by("code").first()
    assert grid is not None
    return officer("grid_other", grid.code, role="grid_worker")


def test_the_villages_grid_worker_is_told_and_acknowledges_for_the_village(api: Any) -> None:
    w = _issue(api)
    # told at once, like the village's officer
    notice = Notification.objects.filter(user__username="grid_worker", kind="warning").latest("id")
    assert notice.link == f"/alerts/warnings/{w['id']}"
    # the phone's inbox lists it with the acknowledge button
    page = api("grid_worker").get(BASE, {"box": "pending"}).json()
    assert [(x["id"], x["my_status"]) for x in page["items"]] == [(w["id"], "pending")]
    detail = api("grid_worker").get(f"{BASE}/{w['id']}").json()
    assert "acknowledge" in detail["allowed_actions"]

    r = api("grid_worker").post(f"{BASE}/{w['id']}/acknowledge", {"comment": "已到现场"})
    assert r.status_code == 200, r.json()
    # the row is the village's, acknowledged by the worker; the step names the worker and grid
    [row] = r.json()["recipient_list"]
    assert row["name"] == Unit.objects.get(code=VILLAGE).name
    assert row["status"] == "acknowledged" and row["acknowledged_by"] == "张伟"
    step = WarningAction.objects.get(warning_id=w["id"], kind="acknowledge")
    assert step.actor_user is not None and step.actor_user.username == "grid_worker"
    assert step.actor_unit is not None and step.actor_unit.level == "grid"
    assert r.json()["allowed_actions"] == ["measure"]
    # the sender reads who did it
    told = Notification.objects.filter(user__username="township_officer", kind="warning_ack").latest("id")
    assert f"已由{row['name']}（张伟）签收" in told.body
    entry = AuditLog.objects.filter(action="warning.acknowledged").latest("id")
    assert entry.username == "grid_worker" and entry.detail["front_line"] is True
    # once for the village: its officer finds it done
    r = api("village_officer").post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code == 400 and r.json()["code"] == "warning_already_acknowledged"
    # and the worker reports measures for the village
    r = api("grid_worker").post(f"{BASE}/{w['id']}/measures", {"text": "已上门做工作，情绪平稳"})
    assert r.status_code == 200
    assert WarningRecipient.objects.get(warning_id=w["id"]).measures_count == 1


def test_a_grid_worker_of_another_village_cannot_acknowledge(api: Any, officer: Any) -> None:
    other = _other_worker(officer)
    w = _issue(api)
    assert other.get(f"{BASE}/{w['id']}").status_code == 404
    assert other.post(f"{BASE}/{w['id']}/acknowledge", {}).status_code == 404
    assert other.get(BASE, {"box": "pending"}).json()["items"] == []
    assert not Notification.objects.filter(user__username="grid_other", kind="warning").exists()
    assert WarningRecipient.objects.get(warning_id=w["id"]).status == "pending"


def test_a_worker_whose_view_stops_at_the_grid_opens_their_villages_warning(api: Any, officer: Any) -> None:
    other = _other_worker(officer)
    w = _issue(api, NEXT_VILLAGE)
    assert other.get(f"{BASE}/{w['id']}").json()["my_status"] == "pending"
    r = other.post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code == 200, r.json()
    # 张伟's grids lie in the other village: not his
    r = api("grid_worker").post(f"{BASE}/{w['id']}/acknowledge", {})
    assert r.status_code in (403, 404)


def test_the_overdue_sweep_still_tells_only_the_unit_above(api: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from ..services_warnings import sweep

    w = _issue(api)
    WarningRecipient.objects.filter(warning_id=w["id"]).update(ack_due_at=timezone.now() - dt.timedelta(hours=1))
    assert sweep() == 1
    assert not Notification.objects.filter(user__username="grid_worker", kind="warning_overdue").exists()
    assert Notification.objects.filter(user__username="township_officer", kind="warning_overdue").exists()


def test_a_linked_secret_report_is_not_named_to_a_reader_without_the_grant(api: Any) -> None:
    from .test_reports import report
    from .test_reports_lists import grant_secret

    secret = report(api, "village_officer", title="涉密人员活动情况", classification="secret")
    grant_secret("township_officer")
    r = api("township_officer", fresh=True).post(
        BASE,
        {
            "title": "冯墙社区拆迁群众反映不按意愿拆迁",
            "body": "有越级上访苗头，请立即稳控。",
            "level": "red",
            "unit_ids": [Unit.objects.get(code=VILLAGE).pk],
            "department_ids": [],
            "subject_type": "info",
            "subject_id": secret["id"],
        },
    )
    assert r.status_code == 201, r.json()
    w = r.json()
    assert "涉密人员活动情况" in api("township_officer").get(f"{BASE}/{w['id']}").json()["subject_label"]
    # the village's grid worker acknowledges it, but the linked report's title stays hidden
    detail = api("grid_worker").get(f"{BASE}/{w['id']}").json()
    assert detail["subject_label"] == "秘密信息（无权查看）"
    assert "涉密" not in str(detail)
