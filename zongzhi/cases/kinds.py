"""What each kind of case adds: its own fields (validated here) and its own rules."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zongzhi.core.errors import InvalidInput

from .models import Kind


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EventDetails(_Details):
    pass


class TaskDetails(_Details):
    requirements: str = Field("", max_length=2000, description="任务要求")


class RequestDetails(_Details):
    request_type: Literal["请示", "求助"] = "请示"


class RectificationDetails(_Details):
    """整改通知书 (seed 002): the hazard, the measures, funds, deadline and a contingency plan."""

    hazard: str = Field(..., min_length=2, max_length=2000, description="隐患情况")
    measures: str = Field(..., min_length=2, max_length=2000, description="整改措施")
    funds: str = Field("", max_length=200, description="整改资金")
    contingency_plan: str = Field(..., min_length=2, max_length=2000, description="应急预案")


class PetitionDetails(_Details):
    """信访件: the 信访工作条例's time limits apply (decide in 15 days, handle in 60, extend ≤ 30)."""

    form: Literal["来信", "来访", "网上信访", "电话"] = "来访"
    petitioner_name: str = Field(..., min_length=1, max_length=60)
    petitioner_count: int = Field(1, ge=1, le=10000)


DETAILS: dict[str, type[_Details]] = {
    Kind.EVENT: EventDetails,
    Kind.TASK: TaskDetails,
    Kind.REQUEST: RequestDetails,
    Kind.RECTIFICATION: RectificationDetails,
    Kind.PETITION: PetitionDetails,
}

FIELD_LABELS = {
    "requirements": "任务要求",
    "request_type": "请示/求助",
    "hazard": "隐患情况",
    "measures": "整改措施",
    "funds": "整改资金",
    "contingency_plan": "应急预案",
    "form": "信访形式",
    "petitioner_name": "信访人",
    "petitioner_count": "信访人数",
}

NUMBER_PREFIX: dict[str, str] = {
    Kind.EVENT: "SJ",
    Kind.TASK: "RW",
    Kind.REQUEST: "QS",
    Kind.RECTIFICATION: "ZG",
    Kind.PETITION: "XF",
}

# Kinds sent to a chosen unit below the sender, with a deadline the sender sets.
SENT_DOWN = {Kind.TASK, Kind.RECTIFICATION}
# The 信访工作条例 allows at most 30 days of extension.
MAX_EXTENSION_DAYS: dict[str, int] = {Kind.PETITION: 30}


def validate_details(kind: str, data: dict[str, Any] | None) -> dict[str, Any]:
    schema = DETAILS[kind]
    try:
        return schema.model_validate(data or {}).model_dump()
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            label = FIELD_LABELS.get(name, name)
            empty = err["type"] == "string_too_short" and not str(err.get("input") or "").strip()
            if err["type"] == "missing" or empty:
                message = "必填"
            elif err["type"] == "extra_forbidden":
                message = "不认识的字段"
            elif err["type"] == "string_too_long":
                message = "内容太长"
            else:
                message = "格式不正确"
            errors.append({"field": f"details.{name}", "message": f"{label}：{message}"})
        raise InvalidInput("；".join(e["message"] for e in errors), code="details_invalid", errors=errors) from exc
