"""Finding the grid a position lies in (point-in-polygon against grid boundaries, shapely)."""

from __future__ import annotations

import threading
import time

import shapely
from shapely.geometry import shape

from zongzhi.core.scope import subtree_q

from .models import Unit

_CACHE_SECONDS = 60
# Per unit path: the active grids under it, as (path, prepared boundary).
_cache: dict[str, tuple[float, list[tuple[str, shapely.Geometry]]]] = {}
_lock = threading.Lock()


def _grids_under(path: str) -> list[tuple[str, shapely.Geometry]]:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(path)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    rows = Unit.objects.filter(subtree_q([path]), level="grid", is_retired=False, boundary__isnull=False)
    shapes = []
    for grid_path, boundary in rows.values_list("path", "boundary"):
        geometry = shape(boundary)
        shapely.prepare(geometry)
        shapes.append((grid_path, geometry))
    with _lock:
        _cache[path] = (now, shapes)
    return shapes


def forget_grids() -> None:
    """Drop cached boundaries (after grids change)."""
    with _lock:
        _cache.clear()


def locate_grid_path(latitude: float, longitude: float, within: list[str]) -> str | None:
    """The path of the active grid under one of `within` (unit paths) that contains the point:
    from the cached boundaries, no query (every report asks)."""
    for path in within:
        for grid_path, geometry in _grids_under(path):
            if shapely.contains_xy(geometry, longitude, latitude):
                return grid_path
    return None


def locate_grid(latitude: float, longitude: float, within: list[str]) -> Unit | None:
    """The active grid under one of `within` (unit paths) that contains the point, if any."""
    path = locate_grid_path(latitude, longitude, within)
    return Unit.objects.filter(path=path).first() if path is not None else None
