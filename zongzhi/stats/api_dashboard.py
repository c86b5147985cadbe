"""The home dashboard per role (/api/stats/dashboard) and the county centre's big screen (/api/stats/screen)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["统计研判"])
