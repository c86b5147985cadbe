"""Domain errors. Each becomes one HTTP response `{code, message}` in the API's handler.

`code` is stable and machine-readable; `message` is Chinese and shown to the user as is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AuditNote:
    """An audit event that a refusal must leave behind.

    It is written by the API's exception handler, after the service's transaction has rolled
    back, so the refusal is recorded even though the attempted change is not.
    """

    action: str
    obj: Any = None
    detail: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "请求无法处理"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        audit: AuditNote | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.errors = errors or []
        self.audit = audit
        # What the client needs to resolve the refusal itself (the record's current values
        # beside a 409 stale_record, the existing record of a duplicate); never for refusals
        # of scope, which reveal nothing.
        self.data = data
        super().__init__(self.message)

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            data["errors"] = self.errors
        if self.data is not None:
            data["data"] = self.data
        return data


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"
    message = "提交的数据不正确"

    @classmethod
    def field(cls, field: str, message: str, *, code: str = "invalid_input") -> InvalidInput:
        return cls(message, code=code, errors=[{"field": field, "message": message}])


def check_all(*checks: Callable[[], object]) -> None:
    """Run every check, then raise one `InvalidInput` with all their field errors: a form shows
    every mistake at once, not one per save. A single failure keeps its own code."""
    failed: list[InvalidInput] = []
    for check in checks:
        try:
            check()
        except InvalidInput as exc:
            failed.append(exc)
    if len(failed) == 1:
        raise failed[0]
    if failed:
        errors = [e for exc in failed for e in (exc.errors or [{"field": "", "message": exc.message}])]
        raise InvalidInput("；".join(exc.message for exc in failed), errors=errors)


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = "请先登录"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "没有执行此操作的权限"


class OutOfScope(DomainError):
    """The object exists but lies outside the actor's scope; never reveals the object."""

    status = 403
    code = "out_of_scope"
    message = "该数据不在您的管辖范围内"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "数据不存在或已被撤销"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "数据已被他人修改，请刷新后重试"


STALE_MESSAGE = "该记录在您离线期间已被他人修改，请核对后重新提交"


class StaleRecord(Conflict):
    """The client edited the record as it was at `seen_updated_at`, and it has changed on the
    server since: the client shows both (`data["current"]`) and lets its user decide."""

    code = "stale_record"
    message = STALE_MESSAGE


class TooLarge(DomainError):
    """A body or file larger than its endpoint takes (413)."""

    status = 413
    code = "too_large"
    message = "提交的内容过大"


def required_text(value: str | None, *, field: str, limit: int, what: str = "名称") -> str:
    """`value` trimmed, refused when empty (`required`) or longer than `limit` characters
    (`too_long`): the check of a name or label typed into a form."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput.field(field, f"{what}不能为空", code="required")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{what}不能超过{limit}个字", code="too_long")
    return text
