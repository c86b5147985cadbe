"""The import wizard's first step: read the head of an uploaded file and propose its columns.

A department's file is not our template. Before anything is written the uploader sees which row
was taken for the header, what each column was matched to (the template's headers, the
dictionary's synonyms, or the choices the unit made last time for a file with the same headers)
and a few sample values, masked where they are numbers about a person; then confirms or corrects
the columns and gives one value to a required column the file lacks (`services.confirm_import`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db.models.functions import Length
from django.utils import timezone

from zongzhi.core.masking import mask_value
from zongzhi.people import normalize
from zongzhi.transfers.models import ImportJob, ImportMapping

from .import_columns import COLUMNS, find_header, header_fields, norm_header
from .import_reader import ImportFileError, RowStream, open_rows
from .jobs import Cancelled, local_copy

SAMPLE_ROWS = 5
_LONG_NUMBER = re.compile(r"\d{7,}")  # an ID number, a phone, an account: masked in samples
_SEPARATORS = re.compile(r"[\s\-－—()（）.]")
_LONG_CODES = {c.field for c in COLUMNS if c.long_code}


def signature(header: list[str]) -> str:
    """The digest of a header row: files of one source (one department's export) share it."""
    return hashlib.sha256("\x1f".join(norm_header(h) for h in header).encode()).hexdigest()


def _sample(value: str, field: str) -> str:
    """A value as the wizard shows it: numbers about a person (an ID number, a phone, however
    it is spaced) masked, long text cut."""
    value = normalize.text(value or "")
    if field in _LONG_CODES or _LONG_NUMBER.search(_SEPARATORS.sub("", value)):
        return mask_value(value)
    return value[:40]


def _remembered(job: ImportJob, header: list[str]) -> ImportMapping | None:
    """The choices made for files of these headers in the uploader's unit or, failing that, in
    the nearest unit above it (a village's choices serve its grid workers)."""
    unit = job.created_by.unit
    if unit is None:
        return None
    above = [unit.path[:n] for n in range(1, len(unit.path) + 1)]
    return (
        ImportMapping.objects.filter(path__in=above, kind=job.kind, signature=signature(header))
        .order_by(Length("path").desc(), "-updated_at")
        .first()
    )


def inspect(job: ImportJob) -> None:
    """Find the header, match the columns, keep masked samples; the job waits for review
    (unless it was cancelled meanwhile)."""
    path = local_copy(job)
    try:
        rows, _estimate = open_rows(path, job.filename)
        try:
            fields = header_fields()
            header, header_line, rest = find_header(rows, fields)
            if not header or not any(h.strip() for h in header if h):
                raise ImportFileError("文件是空的，或找不到表头")
            samples: list[list[str]] = []
            for cells in rest:
                if any(c.strip() for c in cells if c):
                    samples.append(cells)
                if len(samples) >= SAMPLE_ROWS:
                    break
        finally:
            if isinstance(rows, RowStream):  # the xlsx parser stops: the rest is not needed
                rows.close()
    finally:
        path.unlink(missing_ok=True)
    remembered = _remembered(job, header)
    chosen: dict[str, str] = remembered.columns if remembered else {}
    columns: list[dict[str, Any]] = []
    taken: set[str] = set()
    for i, raw in enumerate(header):
        text = str(raw or "").strip()
        field = chosen.get(str(i), fields.get(norm_header(text), "") if text else "")
        if field in taken:  # a second column of the same meaning is left out, as the import does
            field = ""
        taken.add(field)
        columns.append(
            {
                "index": i,
                # When no row names a known column, the first row stands as the header: it
                # may be a person's row, so it is masked like the samples.
                "header": _sample(text, ""),
                "field": field,
                "samples": [_sample(row[i] if i < len(row) else "", field) for row in samples],
            }
        )
    preview = {
        "header_line": header_line,
        "signature": signature(header),
        "header_found": any(fields.get(norm_header(str(h))) for h in header if h),
        "columns": columns,
        "fixed": dict(remembered.fixed) if remembered else {},
        "remembered": remembered.source if remembered else "",
    }
    waiting = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING, cancel_requested=False).update(
        status=ImportJob.Status.REVIEW, preview=preview, heartbeat_at=timezone.now()
    )
    if not waiting:
        raise Cancelled()
    job.refresh_from_db()
