"""Upper levels read a lower level's registry records but do not change them (seed 003 第九条:
上级可以调阅查看下级数据但不得修改；本级只负责本辖区), unless a security administrator granted
them the correction capability; then the change is allowed and audited as a correction.

Every writable registry endpoint is tried by the township and the county against records the
village keeps (the scope matrix covers residents, listings, visits and key places across all
personas; this file adds the other places, their occupants, inspections and members, imports,
and the correction capability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import imports
from zongzhi.transfers.models import ImportJob
from zongzhi.transfers.tests.test_imports import _csv, good
from zongzhi.units.demo import GRID_1
from zongzhi.units.models import Role, Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"  # 冯墙社区, kept by village_officer; its grids by grid_worker
UPPER = ["township_officer", "county_officer"]
BASE = "/api/registry/places"
PLACE_EXTRA = {
    "compounds": {"households": 120},
    "houses": {"use": "self", "owner_name": "房主甲"},
    "key-places": {"kind_code": "9901"},
    "facilities": {"kind_code": "01"},
    "organisations": {"kind_code": "0401"},
}


def _ok(r: Any) -> Any:
    assert r.status_code in (200, 201), r.json()
    return r.json()


@dataclass
class Records:
    """What the village officer registered: one record of every kind, with an occupant and a
    member to end."""

    village: Unit
    resident: int
    category: int
    places: dict[str, int]
    occupant: int
    member: int


@pytest.fixture
def records(api: Any) -> Records:
    village = Unit.objects.get(code=VILLAGE)
    keeper = api("village_officer")
    grid = Unit.objects.get(code=GRID_1).pk
    resident = _ok(
        keeper.post(
            "/api/registry/residents",
            {"kind": "registered", "name": "村民甲", "id_number": id_number(seq="701"), "unit_id": village.pk},
        )
    )["id"]
    neighbour = _ok(
        keeper.post(
            "/api/registry/residents",
            {"kind": "registered", "name": "村民乙", "id_number": id_number(seq="702"), "unit_id": grid},
        )
    )["id"]
    category = _ok(
        keeper.post(
            f"/api/registry/residents/{resident}/categories",
            {"group": "key", "category_code": "07", "details": {"matter": "征地补偿"}},
        )
    )["id"]
    places = {
        kind: _ok(keeper.post(f"{BASE}/{kind}", {"name": f"本村{kind}", "unit_id": grid, "extra": extra}))["id"]
        for kind, extra in PLACE_EXTRA.items()
    }
    house = _ok(
        keeper.post(f"{BASE}/houses/{places['houses']}/occupants", {"resident_id": neighbour, "relation": "owner"})
    )
    team = _ok(keeper.post(f"{BASE}/organisations/{places['organisations']}/members", {"name": "队员甲"}))
    return Records(village, resident, category, places, house["occupants"][0]["id"], team["members"][0]["id"])


# (what, method, url, body); the import is sent as a file. Retirements come last: a retired
# record takes no more changes.
Attempt = tuple[str, str, str, Any]


def attempts(t: Records, seq: str) -> list[Attempt]:
    out: list[Attempt] = [
        (
            "登记人口",
            "POST",
            "/api/registry/residents",
            {"kind": "registered", "name": "新村民", "id_number": id_number(seq=seq), "unit_id": t.village.pk},
        ),
        (
            "修改人口",
            "PUT",
            f"/api/registry/residents/{t.resident}",
            {"kind": "registered", "name": "村民甲改", "id_number": id_number(seq="701"), "unit_id": t.village.pk},
        ),
        (
            "列管",
            "POST",
            f"/api/registry/residents/{t.resident}/categories",
            {"group": "care", "category_code": "05", "details": {}},
        ),
        (
            "修改列管",
            "PUT",
            f"/api/registry/categories/{t.category}",
            {"group": "key", "category_code": "07", "details": {"matter": "征地补偿款"}},
        ),
        (
            "走访",
            "POST",
            f"/api/registry/categories/{t.category}/visits",
            {"visited_on": timezone.localdate().isoformat(), "method": "home", "content": "上门走访，情况稳定。"},
        ),
    ]
    for kind, extra in PLACE_EXTRA.items():
        out.append(
            (f"新增{kind}", "POST", f"{BASE}/{kind}", {"name": f"新{kind}", "unit_id": t.village.pk, "extra": extra})
        )
        out.append((f"修改{kind}", "PUT", f"{BASE}/{kind}/{t.places[kind]}", {"name": f"改{kind}", "extra": extra}))
    house, facility, org = t.places["houses"], t.places["facilities"], t.places["organisations"]
    out += [
        ("登记住户", "POST", f"{BASE}/houses/{house}/occupants", {"resident_id": t.resident, "relation": "tenant"}),
        ("住户迁出", "POST", f"{BASE}/houses/{house}/occupants/{t.occupant}/end", None),
        (
            "巡检",
            "POST",
            f"{BASE}/facilities/{facility}/inspections",
            {"inspected_on": timezone.localdate().isoformat(), "result": "normal"},
        ),
        ("添加成员", "POST", f"{BASE}/organisations/{org}/members", {"name": "队员乙"}),
        ("成员退出", "POST", f"{BASE}/organisations/{org}/members/{t.member}/remove", None),
        ("导入到本村", "IMPORT", "/api/registry/imports", _csv([good(f"{int(seq) + 1}", "导入村民")])),
        ("解除列管", "POST", f"/api/registry/categories/{t.category}/retire", {"reason": "解除"}),
    ]
    out += [
        (f"注销{kind}", "POST", f"{BASE}/{kind}/{t.places[kind]}/retire", {"reason": "停用"}) for kind in PLACE_EXTRA
    ]
    out.append(("注销人口", "POST", f"/api/registry/residents/{t.resident}/retire", {"reason": "迁出"}))
    return out


def _send(client: Any, attempt: Attempt, village: Unit) -> Any:
    _what, method, url, body = attempt
    if method == "IMPORT":
        form = {"file": SimpleUploadedFile("人口.csv", body), "unit_id": village.pk}
        return client.client.post(url, form, headers=client._headers())
    return client.send(method, url, body if body is not None else {})


def _last_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def grant_correction(api: Callable[[str], Any], username: str) -> None:
    """The security administrator makes a role of the correction capability and adds it to the
    user's roles, scopes unchanged."""
    secadmin = api("secadmin")
    if not Role.objects.filter(code="corrector").exists():
        _ok(
            secadmin.post("/api/roles", {"code": "corrector", "name": "数据更正", "capabilities": ["registry.correct"]})
        )
    user = User.objects.get(username=username)
    body = {
        "role_codes": [*user.roles.values_list("code", flat=True), "corrector"],
        "view_scope_ids": list(user.view_scope.values_list("pk", flat=True)),
        "capture_scope_ids": list(user.capture_scope.values_list("pk", flat=True)),
    }
    _ok(secadmin.put(f"/api/users/{user.pk}/grants", body))
    api(username, fresh=True)  # the change of roles ended their sessions: they log in again


@pytest.mark.parametrize("username", UPPER)
def test_upper_levels_cannot_change_a_village_record(api: Any, records: Records, username: str) -> None:
    client = api(username)
    for attempt in attempts(records, "703"):
        before = _last_id()
        r = _send(client, attempt, records.village)
        label = f"{username} {attempt[0]}"
        assert r.status_code == 403, f"{label}: {r.status_code} {r.content[:300]!r}"
        assert r.json()["code"] == "lower_level_read_only", label
        assert "上级单位只能查看下级数据" in r.json()["message"], label
        written = AuditLog.objects.filter(id__gt=before, username=username)
        assert [(e.action, e.detail.get("mode")) for e in written] == [("scope.denied", "write")], label
    assert not ImportJob.objects.filter(created_by__username=username).exists()


@pytest.mark.parametrize("username", UPPER)
def test_with_the_correction_capability_an_upper_level_corrects_and_it_is_audited(
    api: Any, records: Records, username: str
) -> None:
    grant_correction(api, username)
    client = api(username)
    home = User.objects.get(username=username).unit
    assert home is not None
    for attempt in attempts(records, "705"):
        before = _last_id()
        r = _send(client, attempt, records.village)
        label = f"{username} {attempt[0]}"
        assert r.status_code in (200, 201), f"{label}: {r.status_code} {r.content[:300]!r}"
        corrections = AuditLog.objects.filter(id__gt=before, username=username, action="registry.corrected")
        assert [(e.detail["unit"], e.detail["unit_path"]) for e in corrections] == [(home.name, home.path)], label
    job = ImportJob.objects.get(created_by__username=username)
    imports.run_job(job.pk)
    job.refresh_from_db()
    assert (job.imported, job.rejected) == (1, 0)


def test_the_village_sees_an_upper_levels_correction_in_the_records_history(api: Any, records: Records) -> None:
    url = f"/api/registry/residents/{records.resident}"
    body = {"kind": "registered", "name": "村民甲", "id_number": id_number(seq="701"), "unit_id": records.village.pk}
    _ok(api("village_officer").put(url, {**body, "current_address": "冯墙路2号"}))
    grant_correction(api, "township_officer")
    _ok(api("township_officer").put(url, {**body, "current_address": "冯墙路3号"}))
    history = api("village_officer").get(url).json()["history"]
    township = Unit.objects.get(code="320111003000").name
    assert [(h["action"], h["changes"]["current_address"][1], h["corrected_by"]) for h in history[:2]] == [
        ("update", "冯墙路3号", township),
        ("update", "冯墙路2号", ""),
    ]
    # a correction that changed no field of the record (a visit) is an entry of its own
    visit = {"visited_on": timezone.localdate().isoformat(), "method": "phone", "content": "电话回访，情况稳定。"}
    _ok(api("township_officer").post(f"/api/registry/categories/{records.category}/visits", visit))
    place = f"{BASE}/facilities/{records.places['facilities']}"
    inspection = {"inspected_on": timezone.localdate().isoformat(), "result": "normal"}
    _ok(api("township_officer").post(f"{place}/inspections", inspection))
    entry = api("village_officer").get(place).json()["history"][0]
    assert (entry["action"], entry["corrected_by"]) == ("registry.corrected", township)


def test_record_pages_say_who_may_edit(api: Any, records: Records) -> None:
    url = f"/api/registry/residents/{records.resident}"
    rights = {
        who: (lambda d: (d["can_edit"], d["write_mode"]))(api(who).get(url).json())
        for who in ("village_officer", "township_officer", "county_officer", "leader", "grid_worker")
    }
    assert rights == {
        "village_officer": (True, "own"),
        "township_officer": (False, "lower_level"),
        "county_officer": (False, "lower_level"),
        "leader": (False, "none"),  # reads only, keeps no unit's records
        "grid_worker": (False, "none"),  # the village's own record, not one of the grids'
    }
    grant_correction(api, "county_officer")
    detail = api("county_officer").get(f"/api/registry/categories/{records.category}").json()
    assert (detail["can_edit"], detail["write_mode"]) == (True, "correction")
    # list rows carry the same rights, without a query per row
    rows = api("township_officer").get(f"{BASE}/facilities").json()["items"]
    assert [(r["can_edit"], r["write_mode"]) for r in rows if r["id"] == records.places["facilities"]] == [
        (False, "lower_level")
    ]
    rows = api("grid_worker").get(f"{BASE}/facilities").json()["items"]
    assert [(r["can_edit"], r["write_mode"]) for r in rows if r["id"] == records.places["facilities"]] == [
        (True, "own")
    ]


def test_a_village_keeps_its_grids_records_and_a_grid_worker_only_their_grids(api: Any, records: Records) -> None:
    place = f"{BASE}/organisations/{records.places['organisations']}"  # registered in GRID_1
    _ok(api("village_officer").put(place, {"name": "冯墙巡防队", "extra": PLACE_EXTRA["organisations"]}))
    _ok(api("grid_worker").put(place, {"name": "冯墙巡防一队", "extra": PLACE_EXTRA["organisations"]}))
    body = {"kind": "registered", "name": "村民甲", "id_number": id_number(seq="701")}
    r = api("grid_worker").put(f"/api/registry/residents/{records.resident}", body)  # the village's own record
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


def test_a_township_importing_into_its_own_unit_cannot_land_rows_in_a_village(api: Any, records: Records) -> None:
    township = Unit.objects.get(code="320111003000")
    form = {"file": SimpleUploadedFile("人口.csv", _csv([good("706", "下级村民")])), "unit_id": township.pk}
    client = api("township_officer")
    r = client.client.post("/api/registry/imports", form, headers=client._headers())
    assert r.status_code == 201, r.json()
    imports.run_job(r.json()["id"])
    job = ImportJob.objects.get(pk=r.json()["id"])
    assert (job.imported, job.rejected) == (0, 1)


def test_only_the_security_administrator_grants_the_correction_capability(api: Any, records: Records) -> None:
    grant_correction(api, "township_officer")  # makes the role
    user = User.objects.get(username="county_officer")
    roles = ["county_officer", "corrector"]
    body = {"role_codes": roles, "view_scope_ids": [user.unit_id], "capture_scope_ids": [user.unit_id]}
    url = f"/api/registry/residents/{records.resident}"
    change = {"kind": "registered", "name": "村民甲", "id_number": id_number(seq="701"), "current_address": "更正"}
    assert api("sysadmin").put(f"/api/users/{user.pk}/grants", body).status_code == 403
    assert api("county_officer").put(url, change).json()["code"] == "lower_level_read_only"
    _ok(api("secadmin").put(f"/api/users/{user.pk}/grants", body))
    api("county_officer", fresh=True)  # their sessions ended with the change
    event = AuditLog.objects.filter(action="user.grants_changed", username="secadmin").latest("id")
    assert event.detail["after"]["roles"] == sorted(roles)
    _ok(api("county_officer").put(url, change))
