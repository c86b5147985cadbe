"""The import's hand-written writes (`transfers/queries.py`) store what the ORM would store, in a
pinned number of queries: binary COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from zongzhi.core import crypto
from zongzhi.core.masking import mask_value
from zongzhi.people import names
from zongzhi.people.models import NameToken, Resident
from zongzhi.people.tests.test_residents import id_number
from zongzhi.transfers import queries
from zongzhi.transfers.import_checker import RowChecker
from zongzhi.transfers.import_columns import COLUMNS
from zongzhi.transfers.import_writer import prepare, write_residents
from zongzhi.transfers.imports import numbered
from zongzhi.transfers.models import ImportJob
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import User

pytestmark = pytest.mark.django_db

ROWS = [
    {"name": "王建国", "id_number": id_number(seq="601"), "kind": "户籍人口", "phone": "138 1234 5678",
     "unit_code": GRID_1, "ethnicity_code": "汉族", "current_address": "冯墙路1号", "former_name": "王小国"},
    {"name": "李·秀英", "id_number": id_number(seq="602", birth="19900101"), "kind": "流动人口", "unit_code": GRID_2,
     "permit_type": "居住证", "permit_issued_on": "2024年3月1日", "permit_expires_on": "2027/3/1"},
]  # fmt: skip
SEALED = ("id_number_sealed", "phone_sealed")


def _checker(user: User) -> RowChecker:
    job = ImportJob(path=user.unit.path, filename="人口.csv", created_by=user)
    return RowChecker(RowChecker.state([c.header for c in COLUMNS], user, job))


def _stored(ids: list[int]) -> list[dict[str, Any]]:
    """The rows as stored, the sealed values opened (their nonces differ), without the id."""
    out = []
    for row in Resident.objects.filter(pk__in=ids).order_by("id_number_mask").values():
        row = {k: v for k, v in row.items() if k != "id"}
        for field in SEALED:
            row[field] = crypto.unseal(row[field]) if row[field] is not None else None
        row["tokens"] = set(NameToken.objects.filter(resident_id__in=ids, path=row["path"]).values_list("token"))
        out.append(row)
    return out


def test_the_import_writes_what_bulk_create_would_store() -> None:
    user = User.objects.get(username="village_officer")
    checker, now = _checker(user), timezone.now()
    cells = [[row.get(c.field, "") for c in COLUMNS] for row in ROWS]
    prepared, refused = prepare(numbered(cells, 2), checker, connection.vendor, now)
    assert refused == []
    with transaction.atomic():
        assert write_residents(prepared, now) == 2
    copied = list(Resident.objects.filter(name__in=["王建国", "李·秀英"]).values_list("id", flat=True))
    expected = _stored(copied)

    # The ORM form: the same values through bulk_create, and the name index through `names`.
    Resident.objects.filter(pk__in=copied).delete()
    NameToken.objects.filter(resident_id__in=copied).delete()
    objects = []
    for line in cells:
        values, number, phone = checker.check(line)
        objects.append(
            Resident(
                **values,
                id_number_sealed=crypto.seal(number),
                id_number_index=crypto.blind_index(number, "id_number"),
                id_number_mask=mask_value(number),
                phone_sealed=crypto.seal_optional(phone),
                phone_index=crypto.blind_index(phone, "phone") if phone else None,
                phone_mask=mask_value(phone) if phone else "",
                created_at=now,
                updated_at=now,
            )
        )
    made = Resident.objects.bulk_create(objects)
    for r in made:
        NameToken.objects.bulk_create(names.index_rows(r.pk, r.path, [r.name, r.former_name]))
    assert _stored([r.pk for r in made]) == expected


def test_the_import_writes_a_batch_in_three_statements(django_assert_num_queries: Any) -> None:
    user = User.objects.get(username="village_officer")
    checker, now = _checker(user), timezone.now()
    cells = [[row.get(c.field, "") for c in COLUMNS] for row in ROWS]
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(1 if postgres else 0):  # the ids, drawn from the sequence
        prepared, _ = prepare(numbered(cells, 2), checker, connection.vendor, now)
    # PostgreSQL: two COPYs; SQLite: the ids, then one executemany per table; on both, one
    # INSERT of the statistics' changed cells (stats.rollups.mark, all the batch's paths).
    with transaction.atomic(), django_assert_num_queries(3 if postgres else 4):
        write_residents(prepared, now)


def test_registered_returns_what_the_orm_returns(django_assert_num_queries: Any) -> None:
    user = User.objects.get(username="village_officer")
    checker, now = _checker(user), timezone.now()
    cells = [[row.get(c.field, "") for c in COLUMNS] for row in ROWS]
    prepared, _ = prepare(numbered(cells, 2), checker, connection.vendor, now)
    with transaction.atomic():
        write_residents(prepared, now)
    Resident.objects.filter(name="李·秀英").update(is_retired=True)
    asked = [row[2] for row in prepared] + [crypto.blind_index(id_number(seq="603"), "id_number")]
    orm = set(
        bytes(i)
        for i in Resident.objects.filter(id_number_index__in=asked, is_retired=False).values_list(
            "id_number_index", flat=True
        )
    )
    with django_assert_num_queries(1):
        found = queries.registered(asked)
    assert found == orm and len(found) == 1
    with django_assert_num_queries(0):
        assert queries.registered([]) == set()
