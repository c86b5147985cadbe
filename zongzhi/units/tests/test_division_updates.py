"""Loading a newer division list: preview, apply, bad files, scope."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from zongzhi.units import services
from zongzhi.units.models import Department, Unit, User

JIANGBEI = Path(__file__).parent / "data" / "divisions_2023_jiangbei.csv"
STREETS = {  # 2023 code → (name, code in the shipped list)
    "320192007000": ("泰山街道", "320111001000"),
    "320192008000": ("顶山街道", "320111002000"),
    "320192009000": ("沿江街道", "320111003000"),
    "320192010000": ("盘城街道", "320111007000"),
}


def _send(api: Any, action: str, content: bytes, name: str = "list.csv", **form: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content), **form}
    return api.client.post(f"/api/units/divisions/{action}", data, headers=api._headers())


def _jiangbei() -> bytes:
    return JIANGBEI.read_bytes()


@pytest.fixture
def city_admin(api: Any, unit: Any) -> Any:
    """The system administrator, given 南京市 so that a new county can be added under it."""
    admin = api("sysadmin")
    user = User.objects.get(username="sysadmin")
    user.view_scope.add(unit("3201"))
    user.capture_scope.add(unit("3201"))
    return admin


def test_preview_shows_the_four_streets_recoded_and_changes_nothing(city_admin: Any) -> None:
    r = _send(city_admin, "preview", _jiangbei())
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["applied"] is False and body["rows"] == 5
    assert body["counts"] == {"new": 1, "renamed": 0, "recoded": 4, "restored": 0, "unlisted": 0}
    recoded = {c["code"]: (c["name"], c["old_code"]) for c in body["changes"] if c["kind"] == "recoded"}
    assert recoded == STREETS
    new = [c for c in body["changes"] if c["kind"] == "new"]
    assert [(c["code"], c["name"], c["level"]) for c in new] == [("320192000000", "江北新区", "county")]
    assert all(c["problem"] is None for c in body["changes"])
    assert not Unit.objects.filter(code__startswith="320192").exists()
    assert Unit.objects.get(code="320111003000").name == "沿江街道"


def test_apply_recodes_the_streets_with_everything_under_them(city_admin: Any, audit_since: Any) -> None:
    preview = _send(city_admin, "preview", _jiangbei()).json()
    village_count = Unit.objects.filter(parent__code="320111003000").count()
    r = _send(city_admin, "apply", _jiangbei(), digest=preview["digest"])
    assert r.status_code == 200, r.content
    assert r.json()["applied"] is True
    jiangbei = Unit.objects.get(code="320192000000")
    assert jiangbei.name == "江北新区" and jiangbei.level == "county" and jiangbei.parent.code == "320100000000"
    for code, (name, old) in STREETS.items():
        street = Unit.objects.get(code=code)
        assert street.name == name and street.parent_id == jiangbei.pk and street.path == code[:9]
        assert not Unit.objects.filter(code=old).exists()
    yanjiang = Unit.objects.get(code="320192009000")
    assert yanjiang.children.count() == village_count
    assert Unit.objects.filter(code="320192009001001", level="grid").exists()  # the grid worker's grid
    assert Department.objects.get(name="沿江派出所").path == "320192009"
    assert User.objects.get(username="township_officer").unit == yanjiang
    assert len(audit_since("unit.moved")) == 4
    (event,) = audit_since("unit.divisions_loaded")
    assert event.detail["recoded"] == 4 and event.detail["new"] == 1


def test_county_administrator_cannot_move_streets_out_of_the_county(api: Any) -> None:
    admin = api("sysadmin")  # the demo's: 浦口区 only
    body = _send(admin, "preview", _jiangbei()).json()
    assert {c["problem"] for c in body["changes"]} == {"不在您的录入和维护范围内"}
    r = _send(admin, "apply", _jiangbei(), digest=body["digest"])
    assert r.status_code == 400 and r.json()["code"] == "division_change_refused"
    assert "超出" not in r.json()["message"] and "不在您的录入和维护范围内" in r.json()["message"]
    assert Unit.objects.get(code="320111003000").name == "沿江街道"
    assert not Unit.objects.filter(code__startswith="320192").exists()


def _yanjiang_file(keep: str, new_name: str = "沿江新城街道") -> bytes:
    village = Unit.objects.get(code=keep)
    return f"代码,名称,层级\n320111003000,{new_name},街道\n{keep},{village.name},村\n".encode()


def test_renamed_and_no_longer_listed_units_show_what_is_under_them(api: Any) -> None:
    admin = api("sysadmin")
    others = Unit.objects.filter(parent__code="320111003000").exclude(code="320111003002")
    body = _send(admin, "preview", _yanjiang_file("320111003002")).json()
    assert body["counts"]["renamed"] == 1 and body["counts"]["unlisted"] == others.count()
    renamed = next(c for c in body["changes"] if c["kind"] == "renamed")
    assert (renamed["old_name"], renamed["name"]) == ("沿江街道", "沿江新城街道")
    home = next(c for c in body["changes"] if c["code"] == "320111003001000"[:12])
    assert home["kind"] == "unlisted" and home["staff"] == 2 and home["grids"] == 2  # 李娜, 张伟
    # A record added under an unlisted village since the preview does not make it stale.
    services.create_department(
        acting_user=admin.user, unit=Unit.objects.get(code="320111003003"), kind_code="01", name="新派出所"
    )
    # Applied without retiring: renamed, and every village still active.
    r = _send(admin, "apply", _yanjiang_file("320111003002"), digest=body["digest"])
    assert r.status_code == 200, r.content
    assert Unit.objects.get(code="320111003000").name == "沿江新城街道"
    assert not others.filter(is_retired=True).exists()


def test_retiring_the_unlisted_retires_their_grids_too(api: Any, unit: Any) -> None:
    admin = api("sysadmin")
    keep = "320111003001"  # the village with the demo's staff stays listed
    gone = Unit.objects.filter(parent__code="320111003000", is_retired=False).exclude(code=keep)
    gone_ids = list(gone.values_list("pk", flat=True))
    r = _send(admin, "apply", _yanjiang_file(keep), retire="true")
    assert r.status_code == 200, r.content
    assert Unit.objects.filter(pk__in=gone_ids, is_retired=True).count() == len(gone_ids)
    assert not Unit.objects.filter(parent_id__in=gone_ids, is_retired=False).exists()  # their grids
    assert not unit(keep).is_retired


def test_a_failing_change_leaves_nothing_half_written(api: Any) -> None:
    admin = api("sysadmin")
    # 冯墙社区 (320111003001) has active accounts: retiring it fails after the rename was done.
    r = _send(admin, "apply", _yanjiang_file("320111003002"), retire="true")
    assert r.status_code == 400
    assert r.json()["code"] == "unit_has_staff" and "不能撤销" in r.json()["message"]
    assert Unit.objects.get(code="320111003000").name == "沿江街道"
    assert not Unit.objects.filter(parent__code="320111003000", is_retired=True).exists()


def test_apply_refuses_when_the_tree_changed_since_the_preview(city_admin: Any) -> None:
    preview = _send(city_admin, "preview", _jiangbei()).json()
    Unit.objects.filter(code="320111001000").update(name="泰山新街道")
    r = _send(city_admin, "apply", _jiangbei(), digest=preview["digest"])
    assert r.status_code == 409 and r.json()["code"] == "division_plan_stale"
    assert not Unit.objects.filter(code__startswith="320192").exists()


@pytest.mark.parametrize(
    ("content", "name", "code", "words"),
    [
        (b"", "a.csv", "division_file_empty", "文件为空"),
        ("代码,名称\n".encode(), "a.csv", "division_file_empty", "没有数据行"),
        ("编号,名字\n320111003000,沿江街道\n".encode(), "a.csv", "division_columns_missing", "缺少“代码”“名称”列"),
        ("代码,名称\n32011100300,沿江街道\n".encode(), "a.csv", "division_file_invalid", "第2行：代码“32011100300”"),
        ("代码,名称\n320111003000,\n".encode(), "a.csv", "division_file_invalid", "第2行：名称为空"),
        ("代码,名称,上级代码\n320111003000,沿江街道,320112\n".encode(), "a.csv", "division_file_invalid", "上级代码"),
        ("代码,名称,层级\n320111003000,沿江街道,村\n".encode(), "a.csv", "division_file_invalid", "层级“村”"),
        ("代码,名称\n320111003000,甲\n320111003000,乙\n".encode(), "a.csv", "division_file_invalid", "与第2行重复"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", "division_file_unreadable", ".xls"),
        (b"PK\x03\x04broken", "a.xlsx", "division_file_unreadable", "文件"),
    ],
)
def test_bad_files_are_refused_in_chinese_with_a_code(
    api: Any, content: bytes, name: str, code: str, words: str
) -> None:
    before = list(Unit.objects.order_by("pk").values_list("code", "name", "is_retired"))
    for action in ("preview", "apply"):
        r = _send(api("sysadmin"), action, content, name)
        assert r.status_code == 400, r.content
        body = r.json()
        assert body["code"] == code
        assert words in body["message"] + "".join(e["message"] for e in body.get("errors", []))
    assert list(Unit.objects.order_by("pk").values_list("code", "name", "is_retired")) == before


def test_xlsx_lists_are_read_too(city_admin: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in _jiangbei().decode().splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    r = _send(city_admin, "preview", buffer.getvalue(), "2023.xlsx")
    assert r.status_code == 200, r.content
    assert r.json()["counts"]["recoded"] == 4


@pytest.mark.parametrize(
    "username", ["grid_worker", "township_officer", "county_officer", "leader", "secadmin", "auditor"]
)
def test_only_a_system_administrator_loads_divisions(api: Any, username: str) -> None:
    for action in ("preview", "apply"):
        r = _send(api(username), action, _jiangbei())
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not Unit.objects.filter(code__startswith="320192").exists()


def test_management_command_previews_then_applies(city_admin: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_divisions", str(JIANGBEI), "--user", "sysadmin", stdout=out)
    assert "改代码\t乡镇（街道）\t320192009000 沿江街道\t(原 320111003000)" in out.getvalue()
    assert not Unit.objects.filter(code__startswith="320192").exists()
    call_command("load_divisions", str(JIANGBEI), "--user", "sysadmin", "--apply", stdout=io.StringIO())
    assert Unit.objects.get(code="320192009000").name == "沿江街道"
    bad = tmp_path / "bad.csv"
    bad.write_text("代码,名称\n123,甲\n", encoding="utf-8")
    with pytest.raises(CommandError, match="division_file_invalid"):
        call_command("load_divisions", str(bad), "--user", "sysadmin", stdout=io.StringIO())
