"""Services of the grid worker's day: duty (see models.py)."""

from __future__ import annotations

AUDIT_LABELS: dict[str, str] = {}
