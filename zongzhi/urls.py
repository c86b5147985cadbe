"""URL routes: the API, the console SPA at /, the mobile SPA at /m/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path

from zongzhi.api import api
from zongzhi.core import views

urlpatterns = [
    path("api/", api.urls),
    path("healthz", views.healthz),
    path("m/sw.js", views.mobile_service_worker),
    re_path(r"^m(?:/(?!(?:.*/)?[^/]*\.[A-Za-z0-9]+/?$).*)?$", views.mobile_app),
    # Every other path is a page of the console, except a file's (a name with an extension):
    # a missing /robots.txt or /static/x.js answers 404, not the console's HTML.
    re_path(r"^(?!api/|static/|media/)(?!(?:.*/)?[^/]*\.[A-Za-z0-9]+/?$).*$", views.console_app),
]

handler400 = "zongzhi.core.views.bad_request"

if settings.DEBUG:
    urlpatterns.insert(0, path("django-admin/", admin.site.urls))
