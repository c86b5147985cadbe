"""One case is fetched (get_visible) with the same rule the lists use (visible_to), checked in
Python on the loaded row instead of by a second query."""

from __future__ import annotations

from typing import Any

import pytest

from zongzhi.cases.models import Case
from zongzhi.units.models import Department, User

from .test_engine import _do, _report

pytestmark = pytest.mark.django_db

PERSONAS = [
    "grid_worker",
    "village_officer",
    "township_officer",
    "township2_officer",
    "county_officer",
    "dept_police",
    "leader",
    "auditor",
]


def test_reading_one_case_agrees_with_the_lists_for_every_persona(api: Any) -> None:
    held_by_police = _report(api).json()["case"]
    held_by_police = _do(api, "village_officer", held_by_police, "escalate", comment="社区无法协调").json()
    held_by_police = _do(api, "township_officer", held_by_police, "accept").json()
    held_by_police = _do(api, "township_officer", held_by_police, "escalate", comment="需区级部门处理").json()
    held_by_police = _do(api, "county_officer", held_by_police, "accept").json()
    police = Department.objects.get(name="浦口公安分局")
    _do(api, "county_officer", held_by_police, "dispatch", target_department_id=police.pk, comment="请公安分局处理")
    _report(api, "village_officer", title="社区上报的纠纷")
    _report(api, "township2_officer", title="相邻街道的纠纷", latitude=None, longitude=None)

    cases = list(Case.objects.all())
    assert len(cases) >= 3
    seen = 0
    for username in PERSONAS:
        user = User.objects.get(username=username)
        listed = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        for case in cases:
            assert Case.objects.shows(user, case) == (case.pk in listed), (username, case.title)
            r = api(username).get(f"/api/cases/{case.pk}")
            assert r.status_code == (200 if case.pk in listed else 404), (username, case.title)
            if r.status_code == 404:
                assert r.json() == {"code": "not_found", "message": "办件不存在"}
            seen += case.pk in listed
    assert 0 < seen < len(PERSONAS) * len(cases)  # some seen, some not
