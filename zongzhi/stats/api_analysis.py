"""The monthly analysis report (研判报告, /api/stats/analysis): the page's data and its .docx."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["统计研判"])
