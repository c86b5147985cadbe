"""units/queries.py: each function answers what its ORM form answers, in one query."""

from __future__ import annotations

from typing import Any

from zongzhi.units.demo import GRID_1
from zongzhi.units.models import Unit
from zongzhi.units.queries import active_unit_path


def _orm(unit_id: int) -> str | None:
    return Unit.objects.filter(pk=unit_id, is_retired=False).values_list("path", flat=True).first()


def test_active_unit_path_answers_what_the_orm_answers(unit: Any, django_assert_num_queries: Any) -> None:
    grid = unit(GRID_1)
    retired = Unit.objects.filter(level="grid").exclude(pk=grid.pk).first()
    assert retired is not None
    Unit.objects.filter(pk=retired.pk).update(is_retired=True)
    for unit_id in (grid.pk, retired.pk, 10**9):
        with django_assert_num_queries(1):
            found = active_unit_path(unit_id)
        assert found == _orm(unit_id)
    assert active_unit_path(grid.pk) == grid.path and active_unit_path(retired.pk) is None
