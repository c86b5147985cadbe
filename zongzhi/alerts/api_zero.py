"""Zero reports (零报告), sensitive periods (敏感期) and the informant network (信息员网络)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["预警与信息报送"])
