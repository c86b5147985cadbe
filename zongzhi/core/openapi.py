"""The error answers in the OpenAPI schema.

Every endpoint may answer with the error shape of `core.errors` (`{code, message, errors?}`), but
django-ninja lists only what each handler's `response=` names, usually 200 or 201. Declaring the
errors per operation would repeat seven lines on each; instead `add_error_responses` adds them to
every operation of the built schema, once, so generated clients type the errors and schema-driven
fuzzers know which statuses are the contract (and that a 500 is not).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldErrorOut(BaseModel):
    field: str = Field(description="the field (dotted path for nested ones); empty for the whole request")
    message: str = Field(description="中文说明")


class ErrorOut(BaseModel):
    """Every error answer."""

    code: str = Field(description="stable machine-readable code, e.g. invalid_input, out_of_scope, too_large")
    message: str = Field(description="中文说明，原样显示给用户")
    errors: list[FieldErrorOut] | None = Field(None, description="problems of single fields, when there are")


# status → what it means here. 401 only on operations that need a login.
ERROR_RESPONSES: dict[int, str] = {
    400: "提交的数据不正确（code 说明原因，errors 指出字段）",
    401: "未登录，或登录已超时、已失效",
    403: "没有执行此操作的权限，或数据不在管辖范围内",
    404: "数据不存在，或不在查看范围内",
    409: "数据已被他人修改，或状态不允许此操作",
    413: "提交的内容或文件过大",
    422: "请求内容格式校验失败",
}
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add ERROR_RESPONSES with the ErrorOut schema to every operation of `schema` (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                if status == 401 and not operation.get("security"):
                    continue
                if status in responses or str(status) in responses:
                    continue  # the operation declares it itself
                # int keys, as ninja writes its own (the schema is sorted before it is written)
                responses[status] = {"description": description, "content": {"application/json": {"schema": ref}}}
    return schema
