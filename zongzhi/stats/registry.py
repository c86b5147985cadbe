"""The registry's rollups: residents, key persons, care recipients, places and organisations as
they stand, and the months' visit and inspection coverage, per unit (its whole subtree).

Recomputed like the case rollups (rollups.py): a marked path and every unit above it, deepest
first, each from its own raw rows (records at exactly its path) plus its children's rollups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from zongzhi.people.models import PersonCategory, Resident, Visit
from zongzhi.places.models import Compound, Facility, House, Inspection, KeyPlace, Organisation
from zongzhi.units.models import Unit

from .models import RegistryRollup

Figures = dict[tuple[str, str], int]  # (figure, key) -> count


def _grouped(qs: Any, field: str, figure: str, into: Figures, key_of: Any = str) -> None:
    for key, n in qs.order_by().values_list(field).annotate(n=Count("id")):
        k = (figure, key_of(key))
        into[k] = into.get(k, 0) + n


def _own_figures(path: str) -> Figures:
    """The figures of the records at exactly `path`, from the raw rows."""
    where = Q(path=path)
    out: Figures = {}
    _grouped(Resident.objects.filter(where, is_retired=False), "kind", "resident", out)
    live_categories = PersonCategory.objects.filter(where, is_retired=False)
    _grouped(live_categories.filter(group="key"), "category_code", "key_person", out)
    _grouped(live_categories.filter(group="care"), "category_code", "care", out)
    for model, key in ((Compound, "compound"), (House, "house"), (KeyPlace, "key_place"), (Facility, "facility")):
        n = model.objects.filter(where, is_retired=False).count()  # type: ignore[attr-defined]
        if n:
            out[("place", key)] = n
    rentals = House.objects.filter(where, is_retired=False, use="rental").count()
    if rentals:
        out[("place", "rental")] = rentals
    _grouped(KeyPlace.objects.filter(where, is_retired=False), "kind_code", "key_place", out)
    _grouped(Facility.objects.filter(where, is_retired=False), "kind_code", "facility", out)
    _grouped(Organisation.objects.filter(where, is_retired=False), "kind_code", "organisation", out)
    # Coverage: key persons visited and facilities inspected at least once in a month.
    visited = (
        Visit.objects.filter(where, category__group="key")
        .annotate(m=TruncMonth("visited_on"))
        .order_by()
        .values_list("m")
        .annotate(n=Count("category", distinct=True))
    )
    for month, n in visited:
        out[("visited", f"{month:%Y-%m}")] = n
    inspected = (
        Inspection.objects.filter(facility__path=path)
        .annotate(m=TruncMonth("inspected_on"))
        .order_by()
        .values_list("m")
        .annotate(n=Count("facility", distinct=True))
    )
    for month, n in inspected:
        out[("inspected", f"{month:%Y-%m}")] = n
    return out


def _write(path: str, level: str, figures: Figures) -> None:
    RegistryRollup.objects.filter(path=path).delete()
    RegistryRollup.objects.bulk_create(
        [RegistryRollup(path=path, level=level, figure=f, key=k, count=n) for (f, k), n in figures.items() if n]
    )


def recompute_registry(paths: Iterable[str]) -> int:
    """Rewrite the registry rollups of these paths and of every unit above them."""
    from .rollups import _unit_chain

    paths = set(paths)
    if not paths:
        return 0
    units = _unit_chain(paths)
    children: dict[str, list[str]] = defaultdict(list)
    for parent, child in Unit.objects.filter(parent__path__in=list(units)).values_list("parent__path", "path"):
        children[parent].append(child)
    for path in sorted(units, key=len, reverse=True):
        figures = _own_figures(path)
        if children.get(path):
            for f, k, n in RegistryRollup.objects.filter(path__in=children[path]).values_list("figure", "key", "count"):
                figures[(f, k)] = figures.get((f, k), 0) + n
        _write(path, units[path], figures)
    return len(units)


def rebuild_registry() -> int:
    """Every registry rollup from the raw rows: each unit's own figures, summed up the tree."""
    units = dict(Unit.objects.values_list("path", "level"))
    parent_of = dict(Unit.objects.filter(parent__isnull=False).values_list("path", "parent__path"))
    totals: dict[str, Figures] = defaultdict(dict)
    for path in sorted(units, key=len, reverse=True):
        own = _own_figures(path)
        node = totals[path]
        for k, n in own.items():
            node[k] = node.get(k, 0) + n
        parent = parent_of.get(path)
        if parent is not None:
            into = totals[parent]
            for k, n in node.items():
                into[k] = into.get(k, 0) + n
    RegistryRollup.objects.all().delete()
    rows = [
        RegistryRollup(path=path, level=units[path], figure=f, key=k, count=n)
        for path, figures in totals.items()
        for (f, k), n in figures.items()
        if n
    ]
    RegistryRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
