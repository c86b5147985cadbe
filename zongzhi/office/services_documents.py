"""(office part: documents) See models.py for the records; this module holds its domain logic."""

from __future__ import annotations

AUDIT_LABELS: dict[str, str] = {}
