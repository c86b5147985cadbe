"""Finding the grid a position lies in (point-in-polygon against grid boundaries, shapely)."""

from __future__ import annotations

from typing import Any

import shapely
from django.db.models.signals import post_save
from django.dispatch import receiver
from shapely.geometry import shape

from zongzhi.core.cache import ProcessCache
from zongzhi.core.scope import subtree_q

from .models import Unit
from .queries import active_unit_path

_CACHE_SECONDS = 60.0


def _load_grids(path: str) -> list[tuple[int, shapely.Geometry]]:
    """The active grids under a unit path, as (id, prepared boundary). Ids, not paths: a grid
    moved to another street keeps its id, and its path is read when it is found."""
    rows = Unit.objects.filter(subtree_q([path]), level="grid", is_retired=False, boundary__isnull=False)
    shapes = []
    for grid_id, boundary in rows.values_list("id", "boundary"):
        geometry = shape(boundary)
        shapely.prepare(geometry)
        shapes.append((grid_id, geometry))
    return shapes


GRIDS: ProcessCache[str, list[tuple[int, shapely.Geometry]]] = ProcessCache(
    "grid_boundaries", _load_grids, check_seconds=_CACHE_SECONDS, max_age=_CACHE_SECONDS
)


def forget_grids() -> None:
    """Read the grids again (after grids change): this process at once, the others within
    _CACHE_SECONDS."""
    GRIDS.changed()


def _grid_at(latitude: float, longitude: float, within: list[str]) -> int | None:
    """The id of a cached grid under one of `within` (unit paths) that contains the point."""
    for path in within:
        for grid_id, geometry in GRIDS.get(path):
            if shapely.contains_xy(geometry, longitude, latitude):
                return grid_id
    return None


def locate_grid_path(latitude: float, longitude: float, within: list[str]) -> str | None:
    """The path of the active grid that contains the point (see `locate_grid`): read by the
    grid's id, so it is current even if the grid has just moved."""
    grid_id = _grid_at(latitude, longitude, within)
    if grid_id is None:
        return None
    return active_unit_path(grid_id)


def locate_grid(latitude: float, longitude: float, within: list[str]) -> Unit | None:
    """The active grid under one of `within` (unit paths) that contains the point, if any."""
    grid_id = _grid_at(latitude, longitude, within)
    return Unit.objects.filter(pk=grid_id, is_retired=False).first() if grid_id is not None else None


@receiver(post_save, sender=Unit, dispatch_uid="geo-grids")
def _forget_on_save(sender: Any, **kw: Any) -> None:
    """A unit saved in this process (a boundary drawn, a grid retired): read the grids again.
    Other processes read them again within _CACHE_SECONDS."""
    forget_grids()
