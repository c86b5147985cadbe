"""Zero reports (零报告), sensitive periods (敏感期) and the informant network (信息员网络).

Plain functions taking the acting user; API handlers validate, call these and serialize.
"""

from __future__ import annotations
