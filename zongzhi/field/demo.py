"""The demo of the grid worker's day: terminals with their signatures and a year of duty logins,
patrol routes with a year of patrols (office records), then the must-do lists of the last
working days, which read the patrols, visits and inspections the other demos wrote."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zongzhi.office import demo_patrols

from . import demo_mustdo, demo_terminals


def build_field_demo(now: dt.datetime | None = None) -> dict[str, int]:
    """Run each part once (each does nothing when its records exist); returns the counts."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    # terminals first: they open the grid workers' accounts the patrols and the lists use
    counts.update(demo_terminals.load(now))
    counts.update({f"patrol_{k}": v for k, v in demo_patrols.load(now).items()})
    counts.update(demo_mustdo.load(now))
    return counts
