"""Information reports (维稳信息报送): report, screen, forward, return, follow up, convert, close.

Plain functions taking the acting user; API handlers validate, call these and serialize.
"""

from __future__ import annotations
