"""The rollups the dashboards, statistics pages and the big screen read (DESIGN.md: counting
10M events from the raw table takes seconds; from a monthly rollup per level, milliseconds)."""

from __future__ import annotations
