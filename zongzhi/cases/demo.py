"""Many cases spread over the district in realistic states, for the benchmark.

Bulk-inserted without timeline entries or change records: sample rows, not history. The demo
command's cases go through the engine instead (`demo_flow.py`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from zongzhi.dictionary.models import CodeItem
from zongzhi.units.models import Department, Unit

from .models import Case, Kind, Status

TITLES = ["劳资纠纷", "邻里纠纷", "婚姻家庭纠纷", "房屋宅基地纠纷", "物业纠纷", "损害赔偿纠纷", "消费纠纷"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
# (status, share) of the whole: most cases are long closed, a tenth are being handled.
STATES = [
    (Status.ARCHIVED, 0.70),
    (Status.COMPLETED, 0.10),
    (Status.IN_PROGRESS, 0.10),
    (Status.PENDING, 0.06),
    (Status.AWAITING_CONFIRMATION, 0.03),
    (Status.RETURNED, 0.01),
]


def _pick_status(r: random.Random) -> str:
    x, acc = r.random(), 0.0
    for status, share in STATES:
        acc += share
        if x < acc:
            return status
    return Status.ARCHIVED


def build_cases(count: int, *, seed: int = 7, batch: int = 5000) -> int:
    """Insert `count` events over the last three years; returns how many were added."""
    r = random.Random(seed)
    grids = list(Unit.objects.filter(level="grid", is_retired=False).select_related("parent__parent__parent"))
    depts = list(Department.objects.filter(is_retired=False))
    categories = list(
        CodeItem.objects.filter(table__code="event_category", parent__isnull=False).values_list("code", flat=True)
    )
    now = timezone.now()
    start = Case.objects.count()
    added = 0
    while added < count:
        rows = []
        for i in range(min(batch, count - added)):
            n = start + added + i
            grid = r.choice(grids)
            village = grid.parent
            assert village is not None
            township = village.parent
            status = _pick_status(r)
            created = now - dt.timedelta(days=r.random() * 1095)
            holder: Any = village
            dept = None
            if status in (Status.PENDING, Status.IN_PROGRESS):
                roll = r.random()
                if roll < 0.15 and township is not None:
                    holder = township
                elif roll < 0.2 and township is not None and township.parent is not None:
                    holder = township.parent
                elif roll < 0.25 and depts:
                    dept = r.choice(depts)
                    holder = dept.unit
            open_ = status in (Status.PENDING, Status.IN_PROGRESS)
            a, b = r.sample(SURNAMES, 2)
            rows.append(
                Case(
                    number=f"SJ{created:%Y%m%d}{n:08d}",
                    kind=Kind.EVENT,
                    category_code=r.choice(categories),
                    title=f"{a}某某与{b}某某的{r.choice(TITLES)}",
                    status=status,
                    path=grid.path,
                    people_count=r.randint(1, 8),
                    occurred_at=created - dt.timedelta(hours=r.randint(1, 48)),
                    initiator_unit=village,
                    holder_unit=holder,
                    holder_department=dept,
                    due_at=(now + dt.timedelta(days=r.randint(-5, 20))) if open_ else None,
                    created_at=created,
                    completed_at=created + dt.timedelta(days=r.randint(1, 20))
                    if status in (Status.COMPLETED, Status.ARCHIVED)
                    else None,
                    satisfaction="满意" if status == Status.ARCHIVED else "",
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(rows)
        added += len(rows)
    return added
