"""A unit's month as a calendar: meetings, activities and the deadlines of its office work."""

from __future__ import annotations
