"""One resolver for `?unit=` on the statistics and assessment pages (core.scope.unit_in_view):
the default is the caller's own unit, a unit outside their view scope is answered as missing and
audited, and every page answers alike."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    ("/api/stats/cases", {}),
    ("/api/stats/dashboard", {}),
    ("/api/stats/analysis", {}),
    ("/api/cases/stats", {}),
    ("/api/alerts/stats", {}),
    ("/api/assess/logins", {}),
    ("/api/assess/scores/ranking", {"period": "month"}),
]


def test_a_unit_outside_the_view_scope_is_missing_on_every_page(api: Any, unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")  # under 沿江街道; township2_officer sees another township
    answers = set()
    for path, extra in PAGES:
        before = len(audit_since("scope.denied"))
        r = api("township2_officer").get(path, {"unit": village.pk, **extra})
        answers.add((r.status_code, r.json()["message"]))
        assert len(audit_since("scope.denied")) == before + 1, path
    assert answers == {(404, "单位不存在或不在您的管辖范围内")}


def test_without_a_unit_every_page_shows_the_callers_own(api: Any, unit: Any) -> None:
    township = unit("320111003")
    for path, extra in PAGES:
        r = api("township_officer").get(path, extra)
        assert r.status_code == 200, (path, r.content[:200])
        body = r.json()
        shown = body.get("unit") or body.get("parent")
        if isinstance(shown, dict) and "id" in shown:
            assert shown["id"] == township.pk, path


def test_the_three_administrators_read_no_figures(api: Any) -> None:
    for path, extra in PAGES:
        r = api("secadmin").get(path, extra)
        assert r.status_code in (400, 403), (path, r.status_code)
