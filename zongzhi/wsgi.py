"""WSGI entry point (gunicorn zongzhi.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zongzhi.settings")
application = get_wsgi_application()

from zongzhi.core import scheduler  # noqa: E402  (needs the apps loaded above)

scheduler.start()
