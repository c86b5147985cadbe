"""The unit profile (辖区概况): figures, leadership and centre staff with masked phones and
photos, leaving instead of deleting, and the grid teams (一长四员) with their gaps."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from zongzhi.audit.models import AuditLog
from zongzhi.office import services_profile as services
from zongzhi.office.models import GridRole, StaffMember
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

BASE = "/api/office/profile"
VILLAGE = "320111003001"  # 冯墙社区 (village_officer)
TOWNSHIP = "320111003000"  # 沿江街道 (township_officer)


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code.ljust(12, "0") if len(code) <= 12 else code)


def _upload(client: Any, image: bool = True) -> int:
    if image:
        buf = io.BytesIO()
        Image.new("RGB", (30, 40), (90, 120, 200)).save(buf, "JPEG")
        f = SimpleUploadedFile("照片.jpg", buf.getvalue(), content_type="image/jpeg")
    else:
        f = SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    r = client.client.post("/api/office/uploads", {"file": f}, headers=client._headers())
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def _errors(r: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in r.json()["errors"]}


def _staff(unit: Unit, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"unit_id": unit.pk, "group": "leadership", "name": "王建国", "post": "书记"}
    body.update(over)
    return body


def test_village_officer_writes_the_profile_and_the_township_reads_it(api: Any) -> None:
    village = _unit(VILLAGE)
    client = api("village_officer")
    r = client.put(
        f"{BASE}/units/{village.pk}",
        {"description": "冯墙社区位于沿江街道", "area_km2": "3.25", "households": 1200, "registered_population": 3500},
    )
    assert r.status_code == 200, r.json()
    p = r.json()["profile"]
    assert p["households"] == 1200 and p["updated_by"] == "李娜"
    seen = api("township_officer").get(BASE, {"unit": village.pk}).json()
    assert seen["profile"]["description"] == "冯墙社区位于沿江街道"
    assert not seen["can_edit"] or seen["unit"]["code"] == VILLAGE
    # the township may not change a unit outside its capture; the neighbour cannot even read it
    assert api("township2_officer").get(BASE, {"unit": village.pk}).status_code == 404
    assert api("leader").put(f"{BASE}/units/{village.pk}", {"households": 1}).status_code == 403
    r = client.put(f"{BASE}/units/{village.pk}", {"households": -1})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


def test_staff_phone_is_masked_and_revealed_only_with_audit(api: Any) -> None:
    village = _unit(VILLAGE)
    client = api("village_officer")
    r = client.post(f"{BASE}/staff", _staff(village, phone="13912345678"))
    assert r.status_code == 201, r.json()
    member = r.json()
    assert member["phone_mask"] != "13912345678" and "*" in member["phone_mask"]
    profile = client.get(BASE, {"unit": village.pk}).json()
    assert [m["name"] for m in profile["leadership"]] == ["王建国"]
    assert "13912345678" not in str(profile)
    # county officers may unmask (pii.unmask); the look is audited
    before = AuditLog.objects.filter(action="pii.unmask").count()
    county = api("county_officer")
    shown = county.post(f"{BASE}/staff/{member['id']}/reveal")
    if User.objects.get(username="county_officer").has_cap("pii.unmask"):
        assert shown.json() == {"value": "13912345678"}
        assert AuditLog.objects.filter(action="pii.unmask").count() == before + 1
    leader = api("grid_worker").post(f"{BASE}/staff/{member['id']}/reveal")
    assert leader.status_code in (403, 404)


def test_photo_must_be_an_image_of_ones_own(api: Any) -> None:
    village = _unit(VILLAGE)
    client = api("village_officer")
    pdf = _upload(client, image=False)
    r = client.post(f"{BASE}/staff", _staff(village, photo_id=pdf))
    assert r.status_code == 400 and _errors(r)["photo_id"] == "照片须为图片文件"
    others = _upload(api("township_officer"))
    r = client.post(f"{BASE}/staff", _staff(village, photo_id=others))
    assert r.status_code == 400
    assert not StaffMember.objects.filter(unit=village).exists()
    mine = _upload(client)
    r = client.post(f"{BASE}/staff", _staff(village, photo_id=mine))
    assert r.status_code == 201
    url = r.json()["photo_url"]
    assert url == f"/api/attachments/{mine}/file"
    # the photo opens for whoever reads the profile
    assert api("county_officer").get(url).status_code == 200
    assert api("township2_officer").get(url).status_code == 404


def test_leaving_keeps_the_person_on_record(api: Any) -> None:
    village = _unit(VILLAGE)
    client = api("village_officer")
    member = client.post(f"{BASE}/staff", _staff(village, group="centre", post="综治专干")).json()
    r = client.post(f"{BASE}/staff/{member['id']}/leave", {})
    assert r.status_code == 200
    left = r.json()
    assert left["has_left"] and left["left_on"] == timezone.localdate().isoformat() and not left["can_edit"]
    assert client.put(f"{BASE}/staff/{member['id']}", _staff(village, group="centre")).status_code == 400
    centre = client.get(BASE, {"unit": village.pk}).json()["centre"]
    assert [m["has_left"] for m in centre] == [True]


def test_group_and_grid_role_follow_the_unit(api: Any) -> None:
    village = _unit(VILLAGE)
    grid = Unit.objects.filter(parent=village, level="grid").order_by("code").first()
    assert grid is not None
    client = api("village_officer")
    r = client.post(f"{BASE}/staff", _staff(village, group="", grid_role="head"))
    assert r.status_code == 400 and "group" in _errors(r)
    r = client.post(f"{BASE}/staff", _staff(grid, group="leadership"))
    assert r.status_code == 400 and "grid_role" in _errors(r)
    worker = User.objects.get(username="grid_worker")
    r = client.post(f"{BASE}/staff", _staff(grid, group="", grid_role="full_time", user_id=worker.pk))
    assert r.status_code == 201 and r.json()["username"] == "grid_worker"
    accounts = client.get(f"{BASE}/accounts", {"unit": grid.pk}).json()
    assert "grid_worker" in [a["username"] for a in accounts]
    assert "township2_officer" not in [a["username"] for a in accounts]
    assert api("leader").get(f"{BASE}/accounts", {"unit": grid.pk}).status_code == 403
    stranger = User.objects.get(username="township2_officer")
    r = client.post(f"{BASE}/staff", _staff(grid, group="", grid_role="head", user_id=stranger.pk))
    assert r.status_code == 400 and _errors(r)["user_id"]


def test_grid_team_gaps_for_village_and_township(api: Any) -> None:
    village = _unit(VILLAGE)
    grids = list(Unit.objects.filter(parent=village, level="grid", is_retired=False).order_by("code"))
    officer = User.objects.get(username="village_officer")
    for grid in grids:
        for role in GridRole:
            if grid == grids[-1] and role in (GridRole.POLICE, GridRole.SUPERVISOR):
                continue
            services.save_staff(officer, services.StaffData(unit=grid, grid_role=role, name=f"{role.label}甲"))
    gaps = services.grid_team_gaps(village)
    assert [(g["grid"].pk, g["missing"]) for g in gaps] == [(grids[-1].pk, ["police", "supervisor"])]
    # one who left no longer fills the role
    head = StaffMember.objects.get(unit=grids[0], grid_role="head")
    services.leave_staff(officer, head)
    assert {g["grid"].pk for g in services.grid_team_gaps(village)} == {grids[0].pk, grids[-1].pk}

    teams = api("village_officer").get(f"{BASE}/teams", {"unit": village.pk}).json()
    assert teams["grids"] == len(grids) and teams["missing_roles"] == 3
    first = next(t for t in teams["teams"] if t["grid"]["id"] == grids[0].pk)
    assert first["missing"] == ["head"]
    township = api("township_officer").get(f"{BASE}/teams", {"unit": _unit(TOWNSHIP).pk}).json()
    row = next(v for v in township["villages"] if v["unit"]["code"] == VILLAGE)
    assert row == {"unit": row["unit"], "grids": len(grids), "complete": len(grids) - 2, "missing_roles": 3}
    # other villages of the township have no team yet: all five roles missing in each grid
    assert township["missing_roles"] > 3


def test_demo_profiles_with_a_few_roles_missing(api: Any) -> None:
    from zongzhi.office.demo_profile import build_demo

    counts = build_demo()
    assert counts["profiles"] > 1 and counts["grid_members"] > 10
    assert build_demo()["profiles"] == 0
    township = _unit(TOWNSHIP)
    gaps = services.grid_team_gaps(township)
    assert sorted(len(g["missing"]) for g in gaps) == [1, 2]
    profile = api("village_officer").get(BASE).json()
    assert profile["unit"]["code"] == VILLAGE
    assert len(profile["leadership"]) == 3 and all(m["photo_url"] for m in profile["leadership"])
    assert all("*" in m["phone_mask"] for m in profile["leadership"])
    linked = StaffMember.objects.filter(user__username="grid_worker")
    assert linked.exists()
