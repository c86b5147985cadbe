"""Zongzhi (综治): the information system of grassroots social-governance centres."""

from __future__ import annotations

__version__ = "0.1.0"
