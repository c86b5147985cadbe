"""The REST API: one NinjaAPI, one router per app, one exception handler.

Every error leaves as `{code, message}` (plus `errors` for field problems), with a Chinese
message a user can act on and a stable machine code.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from zongzhi import __version__
from zongzhi.alerts.api_duty import router as duty_router
from zongzhi.alerts.api_reports import router as info_reports_router
from zongzhi.alerts.api_stats import router as alerts_stats_router
from zongzhi.alerts.api_templates import router as templates_router
from zongzhi.alerts.api_warnings import router as warnings_router
from zongzhi.alerts.api_zero import router as zero_reports_router
from zongzhi.assess.api import router as assess_router
from zongzhi.assess.api_bulletins import router as assess_bulletins_router
from zongzhi.audit.api import router as audit_router
from zongzhi.audit.services import record_event
from zongzhi.calendar.api import router as calendar_router
from zongzhi.cases.api import attachments_router
from zongzhi.cases.api import router as cases_router
from zongzhi.cases.kinds import DETAILS
from zongzhi.core.errors import DomainError
from zongzhi.core.middleware import body_too_large_message
from zongzhi.core.openapi import add_error_responses
from zongzhi.dictionary.api import router as dictionary_router
from zongzhi.field.api_duty import router as field_duty_router
from zongzhi.field.api_mustdo import router as field_mustdo_router
from zongzhi.field.api_terminals import router as field_terminals_router
from zongzhi.notify.api import router as notify_router
from zongzhi.office.api_activities import router as office_activities_router
from zongzhi.office.api_common import router as office_common_router
from zongzhi.office.api_disputes import router as office_disputes_router
from zongzhi.office.api_documents import router as office_documents_router
from zongzhi.office.api_ledgers import calendar_router as office_calendar_router
from zongzhi.office.api_ledgers import router as office_ledgers_router
from zongzhi.office.api_meetings import router as office_meetings_router
from zongzhi.office.api_meetings import worklogs_router as office_worklogs_router
from zongzhi.office.api_patrols import router as office_patrols_router
from zongzhi.office.api_profile import router as office_profile_router
from zongzhi.office.api_risks import router as office_risks_router
from zongzhi.people.api import router as people_router
from zongzhi.places.api import router as places_router
from zongzhi.stats.api import router as stats_router
from zongzhi.stats.api_analysis import router as stats_analysis_router
from zongzhi.stats.api_dashboard import router as stats_dashboard_router
from zongzhi.transfers.api import router as transfers_router
from zongzhi.units.api import departments_router, units_router
from zongzhi.units.api_auth import auth_router, sessions_router, system_router
from zongzhi.units.api_divisions import divisions_router
from zongzhi.units.api_users import roles_router, users_router
from zongzhi.units.auth import api_auth, session_end_message

logger = logging.getLogger("zongzhi.api")


class ZongzhiAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI schema declares the error answers of every operation, and
    also describes each case kind's own fields (the `details` of a case, validated by
    `cases.kinds`, typed `dict` in the request): the front end reads their types and text
    limits from the schema like every other field's."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_error_responses(schema)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in DETAILS.values():
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        return schema


api = ZongzhiAPI(
    title="综治信息系统 API",
    version=__version__,
    description="Zongzhi REST API. Errors: `{code, message, errors?}` with Chinese messages.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/auth", auth_router)
api.add_router("/units/divisions", divisions_router)
api.add_router("/units", units_router)
api.add_router("/departments", departments_router)
api.add_router("/users", users_router)
api.add_router("/roles", roles_router)
api.add_router("/sessions", sessions_router)
api.add_router("/dictionary", dictionary_router)
api.add_router("/audit", audit_router)
api.add_router("/cases", cases_router)
api.add_router("/attachments", attachments_router)
api.add_router("/notifications", notify_router)
api.add_router("/registry", people_router)
api.add_router("/registry", places_router)
api.add_router("/registry", transfers_router)
api.add_router("/system", system_router)
api.add_router("/calendar", calendar_router)
api.add_router("/alerts/reports", info_reports_router)
api.add_router("/alerts/warnings", warnings_router)
api.add_router("/alerts/zero", zero_reports_router)
api.add_router("/alerts/duty", duty_router)
api.add_router("/alerts/stats", alerts_stats_router)
api.add_router("/office", office_common_router)
api.add_router("/office/meetings", office_meetings_router)
api.add_router("/office/work-logs", office_worklogs_router)
api.add_router("/office/documents", office_documents_router)
api.add_router("/office/activities", office_activities_router)
api.add_router("/office/profile", office_profile_router)
api.add_router("/office/disputes", office_disputes_router)
api.add_router("/office/risks", office_risks_router)
api.add_router("/office/ledgers", office_ledgers_router)
api.add_router("/office/calendar", office_calendar_router)
api.add_router("/office/patrols", office_patrols_router)
api.add_router("/field/must-do", field_mustdo_router)
api.add_router("/field/duty", field_duty_router)
api.add_router("/field/terminals", field_terminals_router)
api.add_router("/stats/analysis", stats_analysis_router)
api.add_router("/stats", stats_dashboard_router)
api.add_router("/stats", stats_router)
api.add_router("/assess/bulletins", assess_bulletins_router)
api.add_router("/assess", assess_router)
api.add_router("/templates", templates_router)


def _error(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, payload, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.audit is not None:
        # The service's transaction has rolled back by now: record the refusal on its own.
        record_event(exc.audit.action, obj=exc.audit.obj, detail=exc.audit.detail)
    return _error(request, exc.status, exc.payload())


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "too_long": "条目太多",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是或否",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "date_parsing": "日期格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "json_invalid": "请求内容不是有效的JSON",
    "model_attributes_type": "请求内容格式不正确",
    "dict_type": "请求内容格式不正确",
}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "filters")]
        field = ".".join(loc)
        message = _PYDANTIC_MESSAGES.get(str(err.get("type")), "格式不正确")
        errors.append({"field": field, "message": message})
    summary = "；".join(f"{e['field']}：{e['message']}" if e["field"] else e["message"] for e in errors[:5])
    return _error(
        request, 422, {"code": "invalid_input", "message": f"提交的数据不正确（{summary}）", "errors": errors}
    )


# Errors answered with a fixed status, code and message.
_FIXED: dict[type[Exception], tuple[int, str, str]] = {
    AuthenticationError: (401, "not_authenticated", "请先登录，或登录已超时"),
    Http404: (404, "not_found", "数据不存在或已被撤销"),
    PermissionDenied: (403, "forbidden", "没有执行此操作的权限"),
    OverflowError: (400, "invalid_input", "数值超出范围"),
    DataError: (400, "invalid_input", "数值超出范围或格式不正确"),
}


def _fixed(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    status, code, message = next(v for t, v in _FIXED.items() if isinstance(exc, t))
    return _error(request, status, {"code": code, "message": message})


for _kind in _FIXED:
    api.add_exception_handler(_kind, _fixed)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401; when the caller's session was ended for them (roles changed, ended by an administrator),
    the message says so."""
    ended = session_end_message(request)
    if ended is not None:
        return _error(request, 401, {"code": "session_ended", "message": ended})
    return _fixed(request, exc)


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body without a declared length that turned out longer than the limit (BodySizeMiddleware
    refuses declared ones before they are read)."""
    return _error(request, 413, {"code": "too_large", "message": body_too_large_message()})


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def on_too_many_parts(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 413, {"code": "too_large", "message": "提交的字段或文件过多"})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(request, 403, {"code": "csrf_failed", "message": "页面已过期，请刷新后重试"})
    if exc.status_code == 400:
        return _error(request, 400, {"code": "invalid_input", "message": "请求内容格式不正确，无法解析"})
    messages = {401: "请先登录", 403: "没有执行此操作的权限", 404: "数据不存在", 405: "不支持的请求方法"}
    message = messages.get(exc.status_code, "请求无法处理")
    return _error(request, exc.status_code, {"code": "http_error", "message": message})


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return _error(request, 500, {"code": "server_error", "message": "服务器内部错误，请稍后重试或联系管理员"})
