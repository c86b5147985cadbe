"""A registry record's change history as its page shows it: the field-level change records,
each marked with the unit that made it when an upper level changed the record with the
correction capability (上级更正, `services.record_correction`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from zongzhi.audit.models import AuditLog
from zongzhi.core.records import record_type

CORRECTED = "registry.corrected"
HISTORY_LIMIT = 50


def history_of(obj: models.Model, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The newest `limit` entries of `obj`'s change log, in one query.

    A correction is written as its own audit event in the same request as the changes it
    made, so a change record sharing a correction's request id is marked with its unit
    (`corrected_by`); a correction that changed no field of the record itself (a visit, an
    occupant, an inspection) is shown as an entry of its own.
    """
    rows = list(
        AuditLog.objects.filter(object_type=record_type(obj), object_id=str(obj.pk))
        .filter(Q(layer=AuditLog.Layer.CHANGE) | Q(action=CORRECTED))
        .only("at", "username", "action", "changes", "detail", "request_id")
        .order_by("-id")[:limit]
    )
    by_request = {r.request_id: r for r in rows if r.action == CORRECTED and r.request_id}
    shown: set[int] = set()
    out: list[dict[str, Any]] = []
    for r in rows:
        if r.action == CORRECTED:
            continue
        correction = by_request.get(r.request_id) if r.request_id else None
        if correction is not None:
            shown.add(correction.pk)
        out.append(_entry(r, correction))
    for r in rows:
        if r.action == CORRECTED and r.pk not in shown:
            out.append(_entry(r, r))
    out.sort(key=lambda e: e["id"], reverse=True)
    for e in out:
        del e["id"]
    return out


def _entry(row: AuditLog, correction: AuditLog | None) -> dict[str, Any]:
    corrected_by = ""
    if correction is not None:
        corrected_by = str((correction.detail or {}).get("unit", "")) or "上级单位"
    return {
        "id": row.pk,
        "at": row.at,
        "username": row.username,
        "action": row.action,
        "changes": row.changes or {},
        "corrected_by": corrected_by,
    }
