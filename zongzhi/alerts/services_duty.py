"""Duty (值班): the roster, the duty log and the handover.

Plain functions taking the acting user; API handlers validate, call these and serialize.
"""

from __future__ import annotations
