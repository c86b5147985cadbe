"""Warnings (预警): issue, acknowledge, report measures, raise or lower, lift; the .docx report.

Plain functions taking the acting user; API handlers validate, call these and serialize.
"""

from __future__ import annotations
