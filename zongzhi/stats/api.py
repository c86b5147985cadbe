"""The statistics pages' figures (/api/stats): rollups by unit, month and level, trends, comparisons among sibling units, each figure with the list behind it."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from ninja import Router

router = Router(tags=["统计研判"])
