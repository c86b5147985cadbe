"""Unit names by path, kept in process: every list row shows the name of its grid or village.

The whole tree is a few thousand rows, a `core.cache.ProcessCache`: read once, and again when a
unit is saved (every process within UNIT_NAMES_SECONDS) and at the latest after that long (a unit
move rewrites paths with a bulk update, past the save signal).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from zongzhi.core.cache import ProcessCache

from .models import Unit

UNIT_NAMES_SECONDS = 60.0


def _load(_: None) -> dict[str, str]:
    return dict(Unit.objects.values_list("path", "name"))


NAMES: ProcessCache[None, dict[str, str]] = ProcessCache(
    "unit_names", _load, check_seconds=UNIT_NAMES_SECONDS, max_age=UNIT_NAMES_SECONDS
)


def unit_names(paths: Iterable[str]) -> dict[str, str]:
    """path → name for the given paths (unknown paths are left out)."""
    names = NAMES.get(None)
    return {p: names[p] for p in paths if p in names}


@receiver(post_save, sender=Unit, dispatch_uid="unit-names")
def _forget(sender: Any, **kw: Any) -> None:
    NAMES.changed()
