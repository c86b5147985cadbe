"""Unit names by path, kept in process: every list row shows the name of its grid or village.

The whole tree is a few thousand rows, read once and again after UNIT_NAMES_SECONDS or when
a unit is saved in this process; another process sees a rename within that time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Unit

UNIT_NAMES_SECONDS = 60.0
_state: dict[str, Any] = {"at": 0.0, "names": {}}


def unit_names(paths: Iterable[str]) -> dict[str, str]:
    """path → name for the given paths (unknown paths are left out)."""
    now = time.monotonic()
    names: dict[str, str] = _state["names"]
    if now - _state["at"] > UNIT_NAMES_SECONDS:
        names = dict(Unit.objects.values_list("path", "name"))
        _state.update(at=now, names=names)
    return {p: names[p] for p in paths if p in names}


@receiver(post_save, sender=Unit, dispatch_uid="unit-names")
def _forget(sender: Any, **kw: Any) -> None:
    _state["at"] = 0.0
