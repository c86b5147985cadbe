"""Warnings (预警): issue, acknowledge, report measures, raise or lower, lift; the .docx report."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["预警与信息报送"])
