"""List residents whose ID number an earlier import may have taken from a spreadsheet's number cell.

Before imports refused them (精度丢失), an 18-digit ID number typed into a number cell lost its
last digits, and the mangled number was stored when its checksum happened to pass. Such a number
has a recognisable form (`idcard.may_come_from_number_cell`). Imports write residents without a
creation entry in the change log, with `created_at` inside the job's run and `path` under the
job's unit, so the import records tell which residents each job brought; those are checked.
`--all` checks every resident instead (for imports whose job records are gone).

The list shows masked numbers only: someone has to check the person's papers, and correct the
record through the console, where unmasking is audited. The scan itself is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.audit.services import record_event
from zongzhi.core import crypto
from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.records import record_type
from zongzhi.core.scope import subtree_q
from zongzhi.people.idcard import may_come_from_number_cell
from zongzhi.people.models import Resident
from zongzhi.transfers.models import ImportJob

_COLUMNS = ("id", "name", "id_number_sealed", "id_number_mask", "path", "created_at")


class Command(BaseCommand):
    help = "List residents whose ID number earlier imports may have taken from a number cell (15 digits kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="check every resident, not only imported ones")

    def handle(self, *args: Any, **options: Any) -> None:
        token = set_actor(Actor(username="system"))
        try:
            found = 0
            checked = 0
            self.stdout.write("导入任务\t文件\t导入人\t人员ID\t姓名\t证件号码（遮蔽）\t所属辖区")
            for job, resident in self._candidates(everyone=options["all"]):
                checked += 1
                if not may_come_from_number_cell(crypto.unseal(resident["id_number_sealed"])):
                    continue
                found += 1
                self.stdout.write(
                    "\t".join(
                        [
                            str(job.pk) if job else "-",
                            job.filename if job else "-",
                            job.created_by.username if job else "-",
                            str(resident["id"]),
                            resident["name"],
                            resident["id_number_mask"],
                            resident["path"],
                        ]
                    )
                )
            record_event(
                "registry.number_cell_scan", detail={"checked": checked, "found": found, "all": options["all"]}
            )
            self.stdout.write(
                f"共检查 {checked} 人，{found} 人的证件号码可能来自数字格式单元格（可能丢失末位），请核对证件后更正。"
            )
        finally:
            reset_actor(token)

    def _candidates(self, *, everyone: bool) -> Iterator[tuple[ImportJob | None, dict[str, Any]]]:
        if everyone:
            for resident in Resident.objects.values(*_COLUMNS).iterator(chunk_size=5000):
                yield None, resident
            return
        jobs = ImportJob.objects.filter(
            mode=ImportJob.Mode.IMPORT, kind="residents", imported__gt=0, started_at__isnull=False
        ).select_related("created_by")
        for job in jobs.order_by("id"):
            brought = Resident.objects.filter(
                subtree_q([job.path]),
                created_at__gte=job.started_at,
                created_at__lte=job.finished_at or timezone.now(),
            ).values(*_COLUMNS)
            for chunk in _chunked(brought.iterator(chunk_size=5000), 5000):
                # Residents entered through the form in the same minutes have a creation entry.
                typed_in = set(
                    AuditLog.objects.filter(
                        object_type=record_type(Resident),
                        action="create",
                        object_id__in=[str(r["id"]) for r in chunk],
                    ).values_list("object_id", flat=True)
                )
                for resident in chunk:
                    if str(resident["id"]) not in typed_in:
                        yield job, resident


def _chunked(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
