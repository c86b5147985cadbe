"""The data dictionary (数据字典): the shipped code tables, local codes kept by the system
administrator, and codes checked where records store them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zongzhi.dictionary.loader import DATA_FILE, load_code_tables
from zongzhi.dictionary.models import CodeItem, CodeTable

pytestmark = pytest.mark.django_db

SHIPPED = json.loads(DATA_FILE.read_text(encoding="utf-8"))["tables"]


def _shipped(code: str) -> dict[str, Any]:
    return next(t for t in SHIPPED if t["code"] == code)


def _items(api: Any, table: str, persona: str = "county_officer", **params: Any) -> list[dict[str, Any]]:
    r = api(persona).get(f"/api/dictionary/tables/{table}/items", params)
    assert r.status_code == 200, r.json()
    return list(r.json())


def _add(api: Any, table: str, code: str, label: str, parent_code: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "label": label}
    if parent_code is not None:
        body["parent_code"] = parent_code
    r = api("sysadmin").post(f"/api/dictionary/tables/{table}/items", body)
    assert r.status_code == 201, r.json()
    return dict(r.json())


def _department(api: Any, unit: Any, kind_code: str, name: str = "浦口区网信办") -> Any:
    return api("sysadmin").post(
        "/api/departments", {"unit_id": unit("320111").pk, "kind_code": kind_code, "name": name}
    )


# --- the shipped tables -------------------------------------------------------------------------
def test_every_shipped_code_table_is_loaded_with_all_its_codes(api: Any) -> None:
    r = api("county_officer").get("/api/dictionary/tables")
    assert r.status_code == 200
    tables = {t["code"]: t for t in r.json()}
    assert set(tables) == {t["code"] for t in SHIPPED}
    for shipped in SHIPPED:
        table = tables[shipped["code"]]
        assert table["item_count"] == len(shipped["items"]), shipped["code"]
        assert table["name"] == shipped["name"] and table["namespace"] == shipped["namespace"]
        assert table["hierarchical"] is bool(shipped.get("hierarchical"))
    assert tables["sex"]["standard"] == "GB/T 2261.1-2003"
    assert tables["ethnicity"]["item_count"] >= 56


def test_ethnicity_lists_the_56_nationalities_in_standard_order(api: Any) -> None:
    items = _items(api, "ethnicity")
    assert len(items) == len(_shipped("ethnicity")["items"]) >= 56
    assert (items[0]["code"], items[0]["label"]) == ("01", "汉族")
    assert {i["code"] for i in items} >= {f"{n:02d}" for n in range(1, 57)}
    assert all(not i["is_local"] and not i["is_retired"] for i in items)


def test_event_categories_are_a_hierarchy_under_the_four_kinds(api: Any) -> None:
    items = _items(api, "event_category")
    by_code = {i["code"]: i for i in items}
    tops = [i["label"] for i in items if i["parent_code"] is None]
    assert tops == ["矛盾纠纷", "治安隐患", "安全隐患", "民生服务"]
    disputes = [i["label"] for i in items if i["parent_code"] == "01"]
    shipped_disputes = [i["label"] for i in _shipped("event_category")["items"] if i.get("parent") == "01"]
    assert disputes == shipped_disputes and "婚姻家庭纠纷" in disputes and "邻里纠纷" in disputes
    # A code with sub-codes counts as in use: it can be retired, never deleted.
    assert by_code["01"]["in_use"] is True and by_code["0102"]["in_use"] is False


def test_department_kinds_used_by_demo_departments_show_as_in_use(api: Any) -> None:
    by_code = {i["code"]: i for i in _items(api, "department_kind")}
    assert by_code["01"]["label"] == "公安" and by_code["01"]["in_use"] is True
    assert by_code["23"]["in_use"] is False


def test_an_unknown_table_is_not_found(api: Any) -> None:
    r = api("county_officer").get("/api/dictionary/tables/no_such_table/items")
    assert r.status_code == 404 and r.json()["message"] == "代码表不存在"


def test_reading_the_dictionary_needs_a_login(client: Any) -> None:
    assert client.get("/api/dictionary/tables").status_code == 401


# --- local codes: the system administrator's whole round ---------------------------------------
def test_system_admin_adds_renames_retires_restores_and_deletes_a_local_code(api: Any, audit_since: Any) -> None:
    item = _add(api, "department_kind", "81", "网信")
    assert item["is_local"] is True and item["is_retired"] is False and item["in_use"] is False
    assert item["sort"] > max(i.sort for i in CodeItem.objects.filter(table__code="department_kind").exclude(code="81"))
    assert "81" in {i["code"] for i in _items(api, "department_kind")}

    r = api("sysadmin").patch(f"/api/dictionary/items/{item['id']}", {"label": " 网信办 "})
    assert r.status_code == 200 and r.json()["label"] == "网信办"

    r = api("sysadmin").post(f"/api/dictionary/items/{item['id']}/retire")
    assert r.status_code == 200 and r.json()["is_retired"] is True
    assert "81" not in {i["code"] for i in _items(api, "department_kind")}
    assert "81" in {i["code"] for i in _items(api, "department_kind", include_retired=True)}
    r = api("sysadmin").post(f"/api/dictionary/items/{item['id']}/retire")
    assert r.status_code == 409 and r.json()["code"] == "code_state_unchanged"

    r = api("sysadmin").post(f"/api/dictionary/items/{item['id']}/restore")
    assert r.status_code == 200 and r.json()["is_retired"] is False

    r = api("sysadmin").delete(f"/api/dictionary/items/{item['id']}")
    assert r.status_code == 204
    assert not CodeItem.objects.filter(pk=item["id"]).exists()

    events = [e for e in audit_since(layer="event") if e.action.startswith("dictionary.")]
    assert [e.action for e in events] == [
        "dictionary.item_added",
        "dictionary.item_updated",
        "dictionary.item_retired",
        "dictionary.item_restored",
        "dictionary.item_deleted",
    ]
    assert {e.username for e in events} == {"sysadmin"}
    assert {e.object_id for e in events} == {str(item["id"])}
    assert events[-1].detail == {"table": "department_kind", "code": "81"}
    changes = audit_since(layer="change", object_type="dictionary.codeitem", object_id=str(item["id"]))
    assert [c.action for c in changes] == ["create", "update", "update", "update", "delete"]
    assert changes[1].changes == {"label": ["网信", "网信办"]}
    assert changes[2].changes == {"is_retired": [False, True]}
    assert changes[4].changes["code"] == ["81", None]
    assert {c.username for c in changes} == {"sysadmin"}


def test_a_local_sub_code_goes_under_a_code_of_a_hierarchical_table(api: Any) -> None:
    child = _add(api, "event_category", "0180", "彩礼纠纷", parent_code="01")
    assert child["parent_code"] == "01"
    assert "彩礼纠纷" in [i["label"] for i in _items(api, "event_category") if i["parent_code"] == "01"]


# --- codes that may not be deleted, and codes that may not be used ------------------------------
def test_a_code_in_use_cannot_be_deleted_only_retired(api: Any, unit: Any) -> None:
    item = _add(api, "department_kind", "81", "网信")
    r = _department(api, unit, "81")
    assert r.status_code == 201 and r.json()["kind_label"] == "网信"
    assert next(i for i in _items(api, "department_kind") if i["code"] == "81")["in_use"] is True

    r = api("sysadmin").delete(f"/api/dictionary/items/{item['id']}")
    assert r.status_code == 400 and r.json()["code"] == "code_in_use" and "停用" in r.json()["message"]
    assert CodeItem.objects.filter(pk=item["id"]).exists()
    r = api("sysadmin").post(f"/api/dictionary/items/{item['id']}/retire")
    assert r.status_code == 200


def test_a_code_with_sub_codes_cannot_be_deleted(api: Any) -> None:
    parent = _add(api, "event_category", "05", "公共卫生")
    _add(api, "event_category", "0501", "传染病防控", parent_code="05")
    r = api("sysadmin").delete(f"/api/dictionary/items/{parent['id']}")
    assert r.status_code == 400 and r.json()["code"] == "code_in_use"


def test_a_standard_code_cannot_be_deleted(api: Any) -> None:
    unused = CodeItem.objects.get(table__code="sex", code="9")
    r = api("sysadmin").delete(f"/api/dictionary/items/{unused.pk}")
    assert r.status_code == 400 and r.json()["code"] == "code_standard" and "只能停用" in r.json()["message"]
    assert CodeItem.objects.filter(pk=unused.pk).exists()


def test_a_retired_code_is_refused_for_a_new_department(api: Any, unit: Any) -> None:
    item = _add(api, "department_kind", "81", "网信")
    assert api("sysadmin").post(f"/api/dictionary/items/{item['id']}/retire").status_code == 200
    r = _department(api, unit, "81")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "code_retired" and "已停用" in body["message"]
    assert body["errors"][0]["field"] == "kind_code"
    # A retired standard code is refused the same way.
    railway = CodeItem.objects.get(table__code="department_kind", code="23")
    assert api("sysadmin").post(f"/api/dictionary/items/{railway.pk}/retire").status_code == 200
    assert _department(api, unit, "23", "浦口铁路派出所").json()["code"] == "code_retired"


def test_an_unknown_code_is_refused_for_a_new_department(api: Any, unit: Any) -> None:
    r = _department(api, unit, "88")
    assert r.status_code == 400
    assert r.json()["code"] == "code_unknown" and "不在代码表中" in r.json()["message"]


# --- who may edit, and bad input -------------------------------------------------------------
def test_county_officer_cannot_edit_the_dictionary(api: Any, audit_since: Any) -> None:
    officer = api("county_officer")
    existing = CodeItem.objects.get(table__code="department_kind", code="23")
    attempts = [
        officer.post("/api/dictionary/tables/department_kind/items", {"code": "81", "label": "网信"}),
        officer.patch(f"/api/dictionary/items/{existing.pk}", {"label": "铁路公安"}),
        officer.post(f"/api/dictionary/items/{existing.pk}/retire"),
        officer.delete(f"/api/dictionary/items/{existing.pk}"),
    ]
    for r in attempts:
        assert r.status_code == 403 and r.json()["code"] == "forbidden" and "数据字典" in r.json()["message"]
    assert not CodeItem.objects.filter(table__code="department_kind", code="81").exists()
    existing.refresh_from_db()
    assert existing.label == "铁路" and existing.is_retired is False
    denied = audit_since("permission.denied")
    assert len(denied) == 4 and {e.username for e in denied} == {"county_officer"}
    assert {e.detail["capability"] for e in denied} == {"dictionary.manage"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "81", "label": ""}, 400, "required"),
        ({"code": "81", "label": "   "}, 400, "required"),
        ({"code": "01", "label": "公安（重复）"}, 400, "code_taken"),
        ({"code": "", "label": "网信"}, 400, "code_invalid"),
        ({"code": "8 1", "label": "网信"}, 400, "code_invalid"),
        ({"code": "81", "label": "网信", "parent_code": "01"}, 400, "code_not_hierarchical"),
        ({"code": "81"}, 422, "invalid_input"),
        ({"code": "8" * 21, "label": "网信"}, 422, "invalid_input"),
        ({"code": "81", "label": "网" * 101}, 422, "invalid_input"),
    ],
)
def test_bad_new_codes_are_refused_with_a_chinese_message(
    api: Any, body: dict[str, Any], status: int, code: str
) -> None:
    r = api("sysadmin").post("/api/dictionary/tables/department_kind/items", body)
    assert r.status_code == status, r.json()
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert not CodeItem.objects.filter(table__code="department_kind", code=body["code"], is_local=True).exists()


def test_a_parent_code_must_exist_in_the_table(api: Any) -> None:
    r = api("sysadmin").post(
        "/api/dictionary/tables/event_category/items", {"code": "0990", "label": "某纠纷", "parent_code": "09"}
    )
    assert r.status_code == 400 and r.json()["code"] == "code_unknown" and r.json()["message"] == "上级代码不存在"


def test_renaming_a_code_to_nothing_is_refused(api: Any) -> None:
    item = CodeItem.objects.get(table__code="sex", code="9")
    r = api("sysadmin").patch(f"/api/dictionary/items/{item.pk}", {"label": "  "})
    assert r.status_code == 400 and r.json()["code"] == "required" and r.json()["message"] == "名称不能为空"
    r = api("sysadmin").patch(f"/api/dictionary/items/{item.pk}", {"sort": -1})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    r = api("sysadmin").patch("/api/dictionary/items/999999999", {"label": "x"})
    assert r.status_code == 404 and r.json()["message"] == "代码不存在"
    item.refresh_from_db()
    assert item.label == "未说明的性别"


def test_a_local_code_is_made_of_latin_letters_and_digits(api: Any) -> None:
    for bad in ("网信", "８１"):
        r = api("sysadmin").post("/api/dictionary/tables/department_kind/items", {"code": bad, "label": "网信"})
        assert r.status_code == 400 and r.json()["code"] == "code_invalid"


# --- the loader ------------------------------------------------------------------------------
def test_loading_again_adds_nothing_and_keeps_local_edits(api: Any) -> None:
    sex9 = CodeItem.objects.get(table__code="sex", code="9")
    r = api("sysadmin").patch(f"/api/dictionary/items/{sex9.pk}", {"label": "未说明"})
    assert r.status_code == 200
    railway = CodeItem.objects.get(table__code="department_kind", code="23")
    assert api("sysadmin").post(f"/api/dictionary/items/{railway.pk}/retire").status_code == 200
    local = _add(api, "department_kind", "81", "网信")
    tables_before, items_before = CodeTable.objects.count(), CodeItem.objects.count()

    assert load_code_tables() == (0, 0)

    assert (CodeTable.objects.count(), CodeItem.objects.count()) == (tables_before, items_before)
    assert CodeItem.objects.get(pk=sex9.pk).label == "未说明"
    assert CodeItem.objects.get(pk=railway.pk).is_retired is True
    assert CodeItem.objects.filter(pk=local["id"], is_local=True).exists()
