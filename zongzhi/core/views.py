"""Serving the built front end (single-page apps) and a health check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie

from .middleware import body_too_large_message, too_large

_NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>综治信息系统</title>
<body style="font-family:sans-serif;padding:3em"><h1>前端页面尚未构建</h1>
<p>请在项目目录运行 <code>make run</code>（会自动构建前端），
或 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>。</p>
<p>接口文档：<a href="/api/docs">/api/docs</a></p></body></html>"""


@cache
def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _dist_text(relative: str) -> str | None:
    """A file of the built front end (read once per process, except in development)."""
    text = _read(Path(settings.FRONTEND_DIST) / relative) if not settings.DEBUG else None
    if text is None:
        file = Path(settings.FRONTEND_DIST) / relative
        text = file.read_text(encoding="utf-8") if file.exists() else None
    return text


def _page(relative: str) -> HttpResponse:
    html = _dist_text(relative)
    if html is None:
        return HttpResponse(_NOT_BUILT, status=503)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response


@ensure_csrf_cookie
def console_app(request: HttpRequest) -> HttpResponse:
    return _page("index.html")


@ensure_csrf_cookie
def mobile_app(request: HttpRequest) -> HttpResponse:
    return _page("m/index.html")


def mobile_service_worker(request: HttpRequest) -> HttpResponse:
    """The phone's offline shell (built by vite-plugin-pwa into dist/m/sw.js), served under /m/
    so that its scope is the phone app. Never cached by the browser: a new build reaches the
    phones at their next start."""
    script = _dist_text("m/sw.js")
    if script is None:
        return HttpResponse("// the front end is not built", status=404, content_type="text/javascript")
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 page (handler400) for requests outside the API, in the API's error shape; a body
    read past its limit (a form posted to a page, say) is 413 like everywhere else."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(body_too_large_message())
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return too_large("提交的字段或文件过多")
    return JsonResponse({"code": "bad_request", "message": "请求无法处理"}, status=400)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
