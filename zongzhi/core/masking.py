"""Masking of personal identifiers for display (PIPL: shown masked unless asked for)."""

from __future__ import annotations


def mask_value(value: str) -> str:
    """Mask an ID number, phone or other identifier, keeping its shape.

    18-digit ID 320111199001011234 → 3201**********1234; phone 13912345678 → 139****5678.
    """
    if not value:
        return ""
    n = len(value)
    if n >= 15:
        return value[:4] + "*" * (n - 8) + value[-4:]
    if n >= 11:
        return value[:3] + "*" * (n - 7) + value[-4:]
    if n >= 7:
        return value[:2] + "*" * (n - 4) + value[-2:]
    return value[:1] + "*" * (n - 1)
