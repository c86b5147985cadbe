"""Where records change, the apps say so here, and whoever keeps figures about them listens.

core imports no app: the statistics (stats) plug their hook in at start-up (`CHANGE_HOOKS`), as
the grid worker's day plugs into logging in (units/auth.py LOGIN_HOOKS). A hook gets the area
("case", "registry", "visit", "inspection"), the cells that changed as (path, moment) pairs (the
moment places a record in its month: a case's report time, a visit's date; None for records
counted as they stand, such as residents), and the caller's `core.fastinsert.Batch` when its
writes wait in one, so the hook's own row goes into the same statement.

A unit moved in the tree (units.services.move_unit) rewrites the paths of every record under it
and then calls `moved`: whoever keeps figures by path (`MOVE_HOOKS`) re-keys them and marks the
figures of the old and the new ancestors, in the move's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Cell = tuple[str, Any]
CHANGE_HOOKS: list[Callable[[str, Iterable[Cell], Any], None]] = []
MOVE_HOOKS: list[Callable[[str, str, str], None]] = []


def changed(area: str, cells: Iterable[Cell], batch: Any = None) -> None:
    """Tell the listeners that records of `area` in these (path, moment) cells changed."""
    if not CHANGE_HOOKS:
        return
    cells = list(cells)
    if not cells:
        return
    for hook in CHANGE_HOOKS:
        hook(area, cells, batch)


def moved(old_path: str, new_path: str, old_parent_path: str) -> None:
    """Tell the listeners that the subtree at `old_path` now lies at `new_path` (its records'
    paths already rewritten), no longer under the unit at `old_parent_path`."""
    for hook in MOVE_HOOKS:
        hook(old_path, new_path, old_parent_path)
