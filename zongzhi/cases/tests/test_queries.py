"""The case engine's hand-written SQL (`cases/queries.py`): each does what its ORM form does, in
the number of queries it is there for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zongzhi.cases import queries, services
from zongzhi.cases.models import Case, CaseAction, Status
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db

# Columns a case gets from when and by whom it is written, not from what was reported.
_OWN = {"id", "number", "client_id", "created_at", "updated_at"}


def _reported(title: str = "王某某与黄某某的劳资纠纷") -> Case:
    user = User.objects.get(username="village_officer")
    data = services.NewCase(
        kind="event",
        title=title,
        category_code="0108",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        people_count=2,
    )
    case, _ = services.create_case(acting_user=user, data=data)
    return case


def _unsaved_copy(case: Case) -> Case:
    values = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if f.attname not in _OWN}
    return Case(**values, created_at=case.created_at)


def _row(pk: int) -> dict[str, Any]:
    row = Case.objects.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in _OWN}


def _number(case: Case) -> str:
    return f"SJ{case.pk:08d}"


def test_insert_case_writes_what_the_orm_writes(django_assert_num_queries: Any) -> None:
    model = _reported()
    by_hand = _unsaved_copy(model)
    with django_assert_num_queries(2):  # PostgreSQL: the id, the row; SQLite: the row, its number
        queries.insert_case(by_hand, _number)
    by_orm = Case.objects.create(**{k: v for k, v in _row(model.pk).items()}, created_at=model.created_at)
    by_orm.number = _number(by_orm)
    by_orm.save(update_fields=["number"])
    assert _row(by_hand.pk) == _row(by_orm.pk) == _row(model.pk)
    assert Case.objects.get(pk=by_hand.pk).number == _number(by_hand)


def _overdue(count: int) -> list[Case]:
    cases = [_reported(f"超期测试纠纷{i}") for i in range(count)]
    past = timezone.now() - dt.timedelta(hours=1)
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(status=Status.IN_PROGRESS, due_at=past - dt.timedelta(minutes=i))
    return cases


def test_claim_due_claims_what_the_orm_would_and_each_case_once(django_assert_num_queries: Any) -> None:
    cases = _overdue(3)
    due = Case.objects.filter(pk__in=[c.pk for c in cases], overdue_level=0, due_at__lt=timezone.now())
    orm_pick = list(due.order_by("due_at").values_list("id", flat=True)[:2])  # the ORM form's choice
    with django_assert_num_queries(1):
        claimed = queries.claim_due(due, 2, overdue_level=2)
    assert sorted(claimed) == sorted(orm_pick)
    assert set(Case.objects.filter(overdue_level=2).values_list("id", flat=True)) == set(orm_pick)
    # claimed rows are no longer due: the next call gets the rest, then nothing
    assert queries.claim_due(due, 2, overdue_level=2) == [cases[0].pk]
    assert queries.claim_due(due, 2, overdue_level=2) == []


def test_add_overdue_steps_writes_what_the_orm_writes(django_assert_num_queries: Any) -> None:
    cases = _overdue(2)
    now = timezone.now()
    ids = [c.pk for c in cases]
    with django_assert_num_queries(1):
        queries.add_overdue_steps(ids, "overdue_yellow", 2, now)
    CaseAction.objects.bulk_create(  # the ORM form
        [
            CaseAction(
                case=c,
                action="overdue_yellow",
                actor_name="系统",
                from_status=c.status,
                to_status=c.status,
                data={"level": 2, "due_at": c.due_at.isoformat() if c.due_at else None},
                created_at=now,
            )
            for c in Case.objects.filter(pk__in=ids)
        ]
    )
    fields = ("case_id", "action", "actor_id", "actor_name", "from_status", "to_status", "comment", "created_at")
    for case in Case.objects.filter(pk__in=ids):
        by_sql, by_orm = CaseAction.objects.filter(case=case, action="overdue_yellow").order_by("id")
        assert [getattr(by_sql, f) for f in fields] == [getattr(by_orm, f) for f in fields]
        assert by_sql.data["level"] == by_orm.data["level"] == 2
        missed = parse_datetime(by_sql.data["due_at"].replace(" ", "T"))
        assert missed is not None
        if timezone.is_naive(missed):  # SQLite keeps the deadline as UTC without its offset
            missed = missed.replace(tzinfo=dt.UTC)
        assert missed == case.due_at
