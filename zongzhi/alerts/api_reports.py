"""Information reports (维稳信息报送): report, screen, forward, return, follow up, convert, close."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["预警与信息报送"])
