"""Finding the grid a position lies in (point-in-polygon against grid boundaries, shapely)."""

from __future__ import annotations

import threading
import time

from shapely import prepared
from shapely.geometry import Point, shape

from zongzhi.core.scope import subtree_q

from .models import Unit

_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, list[tuple[int, prepared.PreparedGeometry]]]] = {}
_lock = threading.Lock()


def _grids_under(path: str) -> list[tuple[int, prepared.PreparedGeometry]]:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(path)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    rows = Unit.objects.filter(subtree_q([path]), level="grid", is_retired=False, boundary__isnull=False)
    shapes = [(u.pk, prepared.prep(shape(u.boundary))) for u in rows.only("id", "boundary")]
    with _lock:
        _cache[path] = (now, shapes)
    return shapes


def forget_grids() -> None:
    """Drop cached boundaries (after grids change)."""
    with _lock:
        _cache.clear()


def locate_grid(latitude: float, longitude: float, within: list[str]) -> Unit | None:
    """The active grid under one of `within` (unit paths) that contains the point, if any."""
    point = Point(longitude, latitude)
    for path in within:
        for unit_id, geom in _grids_under(path):
            if geom.contains(point):
                return Unit.objects.get(pk=unit_id)
    return None
