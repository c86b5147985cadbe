"""Grants are cached per process; a change of roles, role capabilities or scope applies at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import Api
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db


def _report(api: Any, client: Any = None) -> Any:
    return (client or api("grid_worker")).post(
        "/api/cases",
        {
            "kind": "event",
            "title": "王某某与黄某某的邻里纠纷",
            "category_code": "0102",
            "occurred_at": timezone.now().isoformat(),
        },
    )


def test_a_changed_role_or_grant_applies_on_the_next_request(api: Any) -> None:
    worker = User.objects.get(username="grid_worker")
    me = api("secadmin").get(f"/api/users/{worker.pk}").json()
    scope = {
        "view_scope_ids": [u["id"] for u in me["view_scope"]],
        "capture_scope_ids": [u["id"] for u in me["capture_scope"]],
    }
    assert _report(api).status_code == 201  # the grants are now in the cache

    r = api("secadmin").post(
        "/api/roles",
        {"code": "patrol", "name": "巡查员", "capabilities": ["records.read", "cases.report"]},
    )
    assert r.status_code == 201, r.json()
    role_id = r.json()["id"]
    r = api("secadmin").put(f"/api/users/{worker.pk}/grants", {"role_codes": ["patrol"], **scope})
    assert r.status_code == 200, r.json()
    assert _report(api).status_code == 401  # new roles: the session ended (test_grant_sessions.py)
    again = Api(worker)
    assert _report(api, again).status_code == 201

    # the role loses the capability: its holder is refused on the very next call
    r = api("secadmin").patch(f"/api/roles/{role_id}", {"capabilities": ["records.read"]})
    assert r.status_code == 200, r.json()
    r = _report(api, again)
    assert r.status_code == 403 and "权限" in r.json()["message"]

    # scope taken away (the roles kept): the grid is out of sight at once
    grid = scope["view_scope_ids"][0]
    assert again.get(f"/api/units/{grid}").status_code == 200
    api("secadmin").put(
        f"/api/users/{worker.pk}/grants",
        {"role_codes": ["patrol"], "view_scope_ids": [], "capture_scope_ids": []},
    )
    assert again.get(f"/api/units/{grid}").status_code == 404


def test_moving_a_unit_renews_every_cached_scope(api: Any, unit: Any) -> None:
    grid = unit("320111003001001")
    assert api("grid_worker").get(f"/api/units/{grid.pk}").status_code == 200  # grants now cached
    village = unit("320111003001")
    r = api("sysadmin").post(
        f"/api/units/{village.pk}/move", {"parent_id": unit("320111004").pk, "code": "320111004091"}
    )
    assert r.status_code == 200, r.json()
    # the worker's scope moved with the village: still in sight at its new path
    r = api("grid_worker").get(f"/api/units/{grid.pk}")
    assert r.status_code == 200 and r.json()["path"].startswith("320111004091")
