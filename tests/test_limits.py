"""A field's text limit is declared once (the model's max_length, or the schema's Field where
no column holds the text) and reaches the API's refusal, the OpenAPI schema and, through it,
the front end's src/api/limits.ts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from zongzhi.api import api as ninja_api
from zongzhi.calendar.models import CalendarDay
from zongzhi.cases.models import Case, DeadlineRule
from zongzhi.dictionary.models import CodeItem
from zongzhi.transfers.models import ExportRequest
from zongzhi.units.models import Department, Role, Unit, User

pytestmark = pytest.mark.django_db

# (schema, field) of the OpenAPI → (model, column) whose max_length it carries.
FROM_MODELS: list[tuple[str, str, type[models.Model], str]] = [
    ("UnitCreateIn", "name", Unit, "name"),
    ("UnitCreateIn", "code", Unit, "code"),
    ("DepartmentIn", "name", Department, "name"),
    ("UserCreateIn", "full_name", User, "full_name"),
    ("UserUpdateIn", "phone", User, "phone_mask"),
    ("RoleIn", "code", Role, "code"),
    ("RoleUpdateIn", "name", Role, "name"),
    ("CodeItemIn", "code", CodeItem, "code"),
    ("CodeItemIn", "label", CodeItem, "label"),
    ("CalendarDayIn", "name", CalendarDay, "name"),
    ("CaseCreateIn", "title", Case, "title"),
    ("CaseCreateIn", "address", Case, "address"),
    ("DeadlineRuleIn", "note", DeadlineRule, "note"),
    ("ExportIn", "reason", ExportRequest, "reason"),
    ("DecisionIn", "note", ExportRequest, "decision_note"),
]


def _max_length(prop: dict[str, Any]) -> int | None:
    if "maxLength" in prop:
        return int(prop["maxLength"])
    return next((int(alt["maxLength"]) for alt in prop.get("anyOf", []) if "maxLength" in alt), None)


def test_the_openapi_schema_carries_the_models_limits() -> None:
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    for schema, field, model, column in FROM_MODELS:
        expected = model._meta.get_field(column).max_length
        assert _max_length(schemas[schema]["properties"][field]) == expected, (schema, field)
    # A case kind's own fields (`details`, validated by cases.kinds) are described there too.
    assert _max_length(schemas["RectificationDetails"]["properties"]["hazard"]) == 2000
    assert _max_length(schemas["PetitionDetails"]["properties"]["petitioner_name"]) == 60


def test_a_too_long_role_name_is_refused_in_chinese_with_a_code(api: Any) -> None:
    limit = Role._meta.get_field("name").max_length
    assert limit is not None
    r = api("secadmin").post("/api/roles", {"code": "patrol_lead", "name": "巡" * (limit + 1)})
    assert r.status_code == 422, r.json()
    body = r.json()
    assert body["code"] == "invalid_input"
    assert "内容太长" in body["message"]
    assert body["errors"] == [{"field": "name", "message": "内容太长"}]
    assert api("secadmin").post("/api/roles", {"code": "patrol_lead", "name": "巡" * limit}).status_code == 201


def test_a_too_long_user_name_is_refused_before_the_database(api: Any, unit: Any) -> None:
    # 61 characters fit no column: refused by the schema, not by the database as a 500.
    r = api("sysadmin").post(
        "/api/users",
        {"username": "wang_61", "full_name": "王" * 61, "unit_id": unit("320111003").pk, "password": "Zz!23456789a"},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert r.json()["errors"] == [{"field": "full_name", "message": "内容太长"}]


def test_a_too_long_field_of_a_case_kind_is_refused_in_chinese(api: Any, unit: Any) -> None:
    body = {
        "kind": "rectification",
        "title": "某工地消防隐患整改",
        "target_unit_id": unit("320111003001").pk,
        "due_date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "details": {"hazard": "隐" * 2001, "measures": "更换灭火器", "contingency_plan": "设专人值守"},
    }
    r = api("township_officer").post("/api/cases", body)
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "details_invalid"
    assert r.json()["message"] == "隐患情况：内容太长"
