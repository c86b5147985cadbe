"""Request middleware: the request context for the audit log, and the body-size limit."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from .context import Actor, new_request_id, reset_actor, set_actor

# What a multipart body carries beside its file: field names, boundaries, the other fields.
MULTIPART_SLACK = 1024 * 1024


class RequestContextMiddleware:
    """Sets the acting user's context for the request; API authentication fills in the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:32] or new_request_id()
        token = set_actor(
            Actor(
                ip=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_actor(token)
        response["X-Request-ID"] = request_id
        return response


def megabytes(size: int) -> str:
    return f"{size / 2**20:g}MB"


def too_large(message: str) -> JsonResponse:
    """The 413 answer, in the API's error shape."""
    return JsonResponse({"code": "too_large", "message": message}, status=413)


def body_too_large_message() -> str:
    return f"提交的内容过大（不能超过{megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}），请减少内容后重试"


class BodySizeMiddleware:
    """Refuses, with 413 and before anything reads it, a body longer than any endpoint takes.

    Django raises RequestDataTooBig only when a view (or the CSRF check) reads the body, and only
    for bodies that are not files: the API turned that into a 500, and a file upload of any size
    was first written to disk. The declared Content-Length decides here: a multipart body (an
    upload) may be as long as the largest upload limit (MAX_UPLOAD_BYTES, the import's) plus its
    form, any other body DATA_UPLOAD_MAX_MEMORY_SIZE. Each upload endpoint still checks its own,
    smaller limit (413 too). A body without a length is read by Django within the same limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            if request.content_type == "multipart/form-data":
                if length > settings.MAX_UPLOAD_BYTES + MULTIPART_SLACK:
                    return too_large(f"上传的文件过大（不能超过{megabytes(settings.MAX_UPLOAD_BYTES)}）")
            elif length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return too_large(body_too_large_message())
        return self.get_response(request)


NUL_MESSAGE = "提交的内容含有不可见的控制字符（\\0），请删除后重试"


class NulCharacterMiddleware:
    """Refuses, with 400, an API request whose query string or JSON body carries a NUL character.

    SQLite stores it and PostgreSQL refuses it ("string literal cannot contain NUL"), which the
    API turned into a 500 there; no field of the system has a use for one. Files (multipart
    bodies) are not looked at: their bytes are checked by content where they are accepted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            query = request.META.get("QUERY_STRING", "")
            body = request.body if request.content_type == "application/json" else b""
            if "%00" in query or "\x00" in query or b"\\u0000" in body or b"\x00" in body:
                return JsonResponse({"code": "control_character", "message": NUL_MESSAGE}, status=400)
        return self.get_response(request)
