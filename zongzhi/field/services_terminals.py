"""Services of the grid worker's day: terminals (see models.py)."""

from __future__ import annotations

AUDIT_LABELS: dict[str, str] = {}
