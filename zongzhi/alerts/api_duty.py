"""Duty (值班): the roster, the duty log and the handover."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["预警与信息报送"])
