"""The documents' part of `make bench` (see zongzhi/bench.py for the output format).

- office.documents_inbox_p95: a village's in-tray (收文, unsigned first), first page, with
  5,000 documents each sent to 140 units of the county (700,000 recipient rows);
- office.documents_status_p95: the sender's sign-off status page of one document (140 rows
  with their signing, reading and 超时);
both server time in process, against /healthz. Target: ≤ 15 ms.

Rows are bulk-inserted (no services): documents from the county over the last year, each to
the same 140 townships and villages (the demo village among them); one row in twenty unsigned,
one in ten signed late.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

# The figure (5,000 documents to 140 units) is the large size; small keeps `make bench
# SIZE=small` near a minute (bulk inserting 700,000 rows alone takes over a minute on SQLite).
DOCUMENT_SIZES = {"small": {"documents": 1_000, "units": 140}, "large": {"documents": 5_000, "units": 140}}
BATCH = 200  # documents per transaction (28,000 recipient rows)


def build_documents(count: int, unit_count: int, *, seed: int = 16) -> int:
    """Insert `count` documents from the county, each to `unit_count` units below it (the
    village of the demo persona first). Returns the number of recipient rows."""
    from django.db import transaction
    from django.utils import timezone

    from zongzhi.units.models import Unit, User

    from .models import Document, DocumentRecipient

    rng = random.Random(seed)
    county = Unit.objects.get(code="320111000000")
    first_village = Unit.objects.get(code="320111003001")
    others = list(
        Unit.objects.filter(path__startswith=county.path, level__in=["township", "village"])
        .exclude(pk=first_village.pk)
        .order_by("path")
        .values_list("pk", flat=True)[: unit_count - 1]
    )
    unit_ids = [first_village.pk, *others]
    author = User.objects.get(username="county_officer")
    now = timezone.now()
    made = 0
    for start in range(0, count, BATCH):
        plans = []
        documents = []
        for i in range(start, min(count, start + BATCH)):
            at = now - dt.timedelta(minutes=(count - i) * 90 + rng.randint(0, 60))
            documents.append(
                Document(
                    path=county.path,
                    sender_unit=county,
                    sender_user=author,
                    kind="notice" if i % 3 else "document",
                    category="other",
                    issuer_label=f"{county.name}通知",
                    number=f"浦综基〔{at.year}〕{i + 1}号",
                    year=at.year,
                    issued_on=at.date(),
                    title=f"基准测试通知{i + 1}",
                    sign_hours=24,
                    recipient_count=len(unit_ids),
                    sent_at=at,
                )
            )
            plans.append(at)
        with transaction.atomic():
            saved = Document.objects.bulk_create(documents)
            rows = []
            for d, at in zip(saved, plans, strict=True):
                due = at + dt.timedelta(hours=24)
                signed = 0
                for uid in unit_ids:
                    roll = rng.random()
                    signed_at = None if roll < 0.05 else due + dt.timedelta(hours=3) if roll < 0.15 else at
                    signed += signed_at is not None
                    rows.append(
                        DocumentRecipient(
                            document=d,
                            unit_id=uid,
                            sign_due_at=due,
                            signed_at=signed_at,
                            signed_by=author if signed_at else None,
                            first_read_at=signed_at,
                            read_by=author if signed_at else None,
                        )
                    )
                d.signed_count = signed
            DocumentRecipient.objects.bulk_create(rows, batch_size=5_000)
            Document.objects.bulk_update(saved, ["signed_count"], batch_size=BATCH)
            made += len(rows)
    return made


def run(
    size_name: str,
    health: float,
    client_for: Callable[[str], Any],
    report: Callable[..., None],
    p95: Callable[..., float],
) -> None:
    from django.db import connection

    from .models import Document

    size = DOCUMENT_SIZES[size_name]
    t = time.perf_counter()
    rows = build_documents(size["documents"], size["units"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE office_document")
            cursor.execute("ANALYZE office_documentrecipient")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report(f"office.documents_insert_{rows // 1000}k_rows", time.perf_counter() - t, "s")

    village, county = client_for("village_officer"), client_for("county_officer")
    inbox = p95(partial(village.get, "/api/office/documents", {"box": "inbox"}), 200)
    report("office.documents_inbox_p95", inbox, "ms", health, "healthz")
    unsigned = p95(partial(village.get, "/api/office/documents", {"box": "inbox", "status": "unsigned"}), 100)
    report("office.documents_inbox_unsigned_p95", unsigned, "ms", health, "healthz")
    newest = Document.objects.order_by("-id").values_list("id", flat=True).first()
    status = p95(partial(county.get, f"/api/office/documents/{newest}/recipients"), 200)
    report("office.documents_status_p95", status, "ms", health, "healthz")
    sent = p95(partial(county.get, "/api/office/documents", {"box": "sent"}), 100)
    report("office.documents_sent_p95", sent, "ms", health, "healthz")
