"""A grid worker's zero report covers every grid of their capture scope: one tap files each grid
still owing the period, leaves the others alone and says so, files nothing twice on a resend;
the village sees each grid filed and the must-do item ticks off when all of them are."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.alerts import services_zero as zero
from zongzhi.alerts.models import ZeroReport
from zongzhi.alerts.tests.test_zero import _info_report, unit
from zongzhi.field.models import MustDoItem
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
ZERO = "/api/alerts/zero"


def _worker() -> User:
    return User.objects.get(username="grid_worker")  # home grid GRID_1, capture scope GRID_1 and GRID_2


def _filed_by_someone_else(code: str) -> ZeroReport:
    grid = unit(code)
    return zero.record_zero_report(
        zero.Reporter(grid, None),
        zero.month_period(timezone.localdate()),
        reported_by=User.objects.get(username="village_officer"),
    )


def _statuses(body: dict[str, Any]) -> dict[str, str]:
    return {u["unit"]["code"]: u["status"] for u in body["units"]}


def test_one_tap_files_each_grid_and_the_village_sees_both(api: Any) -> None:
    client = api("grid_worker")
    state = client.get(f"{ZERO}/current").json()
    assert [u["unit"]["code"] for u in state["units"]] == [GRID_1, GRID_2]
    assert all(u["current"]["zero"] is None for u in state["units"])
    r = client.post(f"{ZERO}/reports", {"client_id": str(uuid.uuid4())})
    assert r.status_code == 201, r.json()
    assert _statuses(r.json()) == {GRID_1: "filed", GRID_2: "filed"}
    assert ZeroReport.objects.filter(unit__path__in=[GRID_1, GRID_2], reported_by=_worker()).count() == 2
    village = unit(VILLAGE)
    table = api("village_officer").get(f"{ZERO}/completeness", {"unit": village.pk}).json()
    rows = {row["unit"]["code"]: row for row in table["rows"]}
    assert rows[GRID_1]["status"] == rows[GRID_2]["status"] == "zero"
    assert rows[GRID_2]["reported_by"] == "张伟"
    state = client.get(f"{ZERO}/current").json()
    assert all(u["current"]["zero"] is not None for u in state["units"])


def test_a_resend_files_nothing_twice(api: Any) -> None:
    client = api("grid_worker")
    cid = str(uuid.uuid4())
    first = client.post(f"{ZERO}/reports", {"client_id": cid})
    again = client.post(f"{ZERO}/reports", {"client_id": cid})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert {u["zero"]["id"] for u in first.json()["units"]} == {u["zero"]["id"] for u in again.json()["units"]}
    assert ZeroReport.objects.filter(reported_by=_worker()).count() == 2


def test_a_resend_finds_the_grids_even_when_the_home_grid_was_filed_before(api: Any) -> None:
    _filed_by_someone_else(GRID_1)
    client = api("grid_worker")
    cid = str(uuid.uuid4())
    first = client.post(f"{ZERO}/reports", {"client_id": cid})
    assert _statuses(first.json()) == {GRID_1: "zero", GRID_2: "filed"}
    again = client.post(f"{ZERO}/reports", {"client_id": cid})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert ZeroReport.objects.filter(reported_by=_worker()).count() == 1


def test_already_reported_grids_are_left_alone_and_said_so(api: Any) -> None:
    earlier = _filed_by_someone_else(GRID_2)
    r = api("grid_worker").post(f"{ZERO}/reports", {})
    assert r.status_code == 201
    assert _statuses(r.json()) == {GRID_1: "filed", GRID_2: "zero"}
    grid2 = next(u for u in r.json()["units"] if u["unit"]["code"] == GRID_2)
    assert grid2["zero"]["id"] == earlier.pk and grid2["zero"]["reported_by"] == "李娜"
    assert ZeroReport.objects.filter(unit=unit(GRID_2)).count() == 1


def test_an_information_report_of_a_grid_counts_as_reported(api: Any) -> None:
    _info_report(unit(GRID_2), _worker())
    r = api("grid_worker").post(f"{ZERO}/reports", {})
    assert _statuses(r.json()) == {GRID_1: "filed", GRID_2: "info"}
    assert not ZeroReport.objects.filter(unit=unit(GRID_2)).exists()


def test_nothing_left_to_file_is_refused(api: Any) -> None:
    client = api("grid_worker")
    assert client.post(f"{ZERO}/reports", {}).status_code == 201
    again = client.post(f"{ZERO}/reports", {})
    assert again.status_code == 409 and again.json()["code"] == "zero_report_exists"


def test_another_users_id_is_refused_for_the_grids_too(api: Any) -> None:
    cid = uuid.uuid4()
    other = _filed_by_someone_else(GRID_2)
    other.client_id = zero.grid_client_id(cid, unit(GRID_2))
    other.save()
    r = api("grid_worker").post(f"{ZERO}/reports", {"client_id": str(cid)})
    assert r.status_code == 409 and r.json()["code"] == "client_id_taken"
    assert not ZeroReport.objects.filter(reported_by=_worker()).exists()


def test_the_must_do_item_ticks_off_when_every_grid_is_filed(api: Any) -> None:
    client = api("grid_worker")

    def item() -> dict[str, Any]:
        body = client.get("/api/field/must-do/mine").json()
        return next(i for i in body["items"] if i["kind"] == "zero_report")

    assert not item()["done"] and "2个网格尚未报送" in item()["detail"]
    _filed_by_someone_else(GRID_1)
    assert not item()["done"]  # the second grid still owes
    _filed_by_someone_else(GRID_2)
    assert item()["done"]
    assert MustDoItem.objects.get(worker=_worker(), kind="zero_report").done_how == "data"


def test_a_village_officer_files_for_their_own_unit_only(api: Any) -> None:
    r = api("village_officer").post(f"{ZERO}/reports", {})
    assert r.status_code == 201 and _statuses(r.json()) == {VILLAGE: "filed"}
    assert not ZeroReport.objects.filter(unit__path__in=[GRID_1, GRID_2]).exists()
