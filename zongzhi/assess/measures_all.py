"""Every computed rubric item: importing this module registers them all in `MEASURES` (the
engine imports it once)."""

from __future__ import annotations

from . import measures_basic, measures_office, measures_practice, measures_work
from .measures import MEASURES

__all__ = ["MEASURES", "measures_basic", "measures_office", "measures_practice", "measures_work"]
