"""The login red light (/api/assess/logins) and the rubric, its scores, hand scores and rankings (/api/assess/rubric)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["考核评估"])
