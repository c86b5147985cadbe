"""The OpenAPI schema states the real contract: the error answers of every operation, and the
enum-like parameters as enums."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zongzhi.core.openapi import ERROR_RESPONSES

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from zongzhi.api import api

    return dict(api.get_openapi_schema())


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]


def test_every_operation_declares_the_error_answers_with_the_error_schema(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    assert len(operations) > 100
    for method, path, op in operations:
        declared = {int(s) for s in op["responses"]}
        expected = set(ERROR_RESPONSES) - ({401} if not op.get("security") else set())
        assert expected <= declared, (method, path, expected - declared)
        for status in expected:
            assert op["responses"][status]["content"]["application/json"]["schema"] == ERROR_REF, (method, path)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["code", "message"] and "FieldErrorOut" in schema["components"]["schemas"]


def test_login_needs_no_login_so_it_declares_no_401(schema: dict[str, Any]) -> None:
    login = schema["paths"]["/api/auth/login"]["post"]["responses"]
    assert 401 not in login and 422 in login
    assert 401 in schema["paths"]["/api/users"]["get"]["responses"]


def _param(schema: dict[str, Any], path: str, name: str, method: str = "get") -> dict[str, Any]:
    params = schema["paths"][path][method]["parameters"]
    found = next(p for p in params if p["name"] == name)
    return dict(found["schema"])


def _enum(param: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    for option in param.get("anyOf", [param]):
        if "$ref" in option:
            option = schema["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
        if "enum" in option:
            return list(option["enum"])
    raise AssertionError(f"not an enum: {param}")


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/cases", "box", ["todo", "done", "mine", "supervised", "overdue", "all"]),
        ("/api/registry/categories", "group", ["key", "care"]),
        ("/api/registry/categories", "due", ["overdue", "soon"]),
        ("/api/registry/service-stats", "group", ["key", "care"]),
        ("/api/registry/imports/template", "kind", ["residents", "key_persons"]),
        ("/api/registry/exports", "box", ["mine", "approve"]),
    ],
)
def test_enum_like_parameters_are_enums(schema: dict[str, Any], path: str, name: str, values: list[str]) -> None:
    assert _enum(_param(schema, path, name), schema) == values


def test_a_value_outside_the_enum_is_refused_in_chinese(api: Any) -> None:
    r = api("village_officer").get("/api/registry/categories", {"group": "everyone"})
    assert r.status_code == 422 and r.json()["errors"] == [{"field": "group", "message": "取值不在允许范围内"}]


def test_the_served_schema_is_the_same(schema: dict[str, Any]) -> None:
    served = Client().get("/api/openapi.json").json()
    assert set(served["paths"]) == set(schema["paths"])
    assert "413" in served["paths"]["/api/attachments"]["post"]["responses"]
