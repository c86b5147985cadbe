"""Masking of personal identifiers for display (PIPL: shown masked unless asked for)."""

from __future__ import annotations

import re


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


# An 18-character ID number (the last may be X) or a mainland mobile number written inside free
# text (a case's title, an address): not part of a longer run of digits or letters.
_IDENTIFIERS = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Mask the ID numbers and phone numbers a person typed into free text, for figures read by
    many (the big screen's feed, the rubric's shortfalls, the analysis report): "张三13812345678
    纠纷" → "张三138****5678 纠纷"."""
    if not text:
        return text
    return _IDENTIFIERS.sub(lambda m: mask_value(m.group(0)), text)
