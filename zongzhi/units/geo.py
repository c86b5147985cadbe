"""Finding the grid a position lies in (point-in-polygon against grid boundaries, shapely)."""

from __future__ import annotations

import threading
import time
from typing import Any

import shapely
from django.db import connection
from django.db.models.signals import post_save
from django.dispatch import receiver
from shapely.geometry import shape

from zongzhi.core.scope import subtree_q

from .models import Unit

_CACHE_SECONDS = 60
# Per unit path: the active grids under it, as (id, prepared boundary). Ids, not paths: a grid
# moved to another street keeps its id, and its path is read when it is found.
_cache: dict[str, tuple[float, list[tuple[int, shapely.Geometry]]]] = {}
_lock = threading.Lock()


def _grids_under(path: str) -> list[tuple[int, shapely.Geometry]]:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(path)
        if hit is not None and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    rows = Unit.objects.filter(subtree_q([path]), level="grid", is_retired=False, boundary__isnull=False)
    shapes = []
    for grid_id, boundary in rows.values_list("id", "boundary"):
        geometry = shape(boundary)
        shapely.prepare(geometry)
        shapes.append((grid_id, geometry))
    with _lock:
        _cache[path] = (now, shapes)
    return shapes


def forget_grids() -> None:
    """Drop cached boundaries (after grids change)."""
    with _lock:
        _cache.clear()


def _grid_at(latitude: float, longitude: float, within: list[str]) -> int | None:
    """The id of a cached grid under one of `within` (unit paths) that contains the point."""
    for path in within:
        for grid_id, geometry in _grids_under(path):
            if shapely.contains_xy(geometry, longitude, latitude):
                return grid_id
    return None


def locate_grid_path(latitude: float, longitude: float, within: list[str]) -> str | None:
    """The path of the active grid that contains the point (see `locate_grid`): read by the
    grid's id, so it is current even if the grid has just moved."""
    grid_id = _grid_at(latitude, longitude, within)
    if grid_id is None:
        return None
    # A plain query: this runs on every report, and the ORM would compile it each time.
    with connection.cursor() as cursor:
        cursor.execute(_PATH_SQL, [grid_id])
        row = cursor.fetchone()
    return row[0] if row else None


_PATH_SQL = f"SELECT path FROM {Unit._meta.db_table} WHERE id = %s AND NOT is_retired"


def locate_grid(latitude: float, longitude: float, within: list[str]) -> Unit | None:
    """The active grid under one of `within` (unit paths) that contains the point, if any."""
    grid_id = _grid_at(latitude, longitude, within)
    return Unit.objects.filter(pk=grid_id, is_retired=False).first() if grid_id is not None else None


@receiver(post_save, sender=Unit, dispatch_uid="geo-grids")
def _forget_on_save(sender: Any, **kw: Any) -> None:
    """A unit saved in this process (a boundary drawn, a grid retired): read the grids again.
    Other processes read them again within _CACHE_SECONDS."""
    forget_grids()
