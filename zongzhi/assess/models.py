"""Assessment records: the rubric per year, hand scores, monthly scores and bulletins."""

from __future__ import annotations
