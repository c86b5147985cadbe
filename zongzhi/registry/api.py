"""REST endpoints of the registry: residents (实有人口)."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time and cannot resolve string annotations such as `Query[Filter]`.

import re
from dataclasses import fields
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zongzhi.audit.models import AuditLog
from zongzhi.core.errors import AuditNote, Forbidden
from zongzhi.core.scope import get_visible, path_within, subtree_q
from zongzhi.dictionary.services import labels
from zongzhi.units.api import acting
from zongzhi.units.models import PATH_LENGTH, Unit, User

from . import crypto, names, services
from .idcard import age_on
from .models import Resident
from .schemas import ResidentIn, ResidentOut, ResidentPageOut, RetireIn, RevealIn, RevealOut

router = Router(tags=["实有人口"])

ID_LIKE = re.compile(r"^\d{6,17}[\dXx]$")
PHONE_LIKE = re.compile(r"^1\d{10}$")
LABEL_TABLES = {**services.CODE_FIELDS, "id_type_code": "id_type", "nationality_code": "nationality"}


def _require_read(user: User, obj: Any = None) -> None:
    if not user.has_cap("records.read"):
        raise Forbidden(
            "没有查看实有人口的权限", audit=AuditNote("permission.denied", obj, {"capability": "records.read"})
        )


def _unit_names(paths: set[str]) -> dict[str, str]:
    return dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))


def _row(r: Resident, unit_names: dict[str, str], today: date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "name": r.name,
        "id_number_mask": r.id_number_mask,
        "sex_code": r.sex_code,
        "sex_label": labels("sex").get(r.sex_code, ""),
        "birth_date": r.birth_date,
        "age": age_on(r.birth_date, today) if r.birth_date else None,
        "phone_mask": r.phone_mask,
        "current_address": r.current_address,
        "path": r.path,
        "unit_name": unit_names.get(r.path, ""),
        "is_retired": r.is_retired,
    }


class ResidentFilter(Schema):
    kind: str | None = None
    q: str | None = None
    under: int | None = None
    include_retired: bool = False
    cursor: int | None = None
    limit: int = 20


ROW_FIELDS = [
    "id",
    "kind",
    "name",
    "id_number_mask",
    "sex_code",
    "birth_date",
    "phone_mask",
    "current_address",
    "path",
    "is_retired",
]


@router.get("/residents", response=ResidentPageOut)
def list_residents(request: HttpRequest, filters: Query[ResidentFilter]) -> dict[str, Any]:
    """Residents in the caller's scope, newest first, keyset pages. `q` is a fragment of a name,
    or a whole ID number or mobile number (exact match)."""
    user = acting(request)
    root = get_visible(Unit.objects.all(), user, filters.under) if filters.under is not None else None
    _require_read(user)
    qs = Resident.objects.visible_to(user)
    if root is not None:
        qs = qs.filter(subtree_q([root.path]))
    if not filters.include_retired:
        qs = qs.filter(is_retired=False)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    text = (filters.q or "").strip()
    if text:
        if PHONE_LIKE.match(text):
            qs = qs.filter(phone_index=crypto.blind_index(text, "phone"))
        elif ID_LIKE.match(text):
            qs = qs.filter(id_number_index=crypto.blind_index(text.upper(), "id_number"))
        else:
            qs = qs.filter(names.name_filter(text[:20], user.view_paths))
    if filters.cursor is not None:
        qs = qs.filter(pk__lt=filters.cursor)
    limit = max(1, min(filters.limit, 100))
    rows = list(qs.only(*ROW_FIELDS).order_by("-id")[: limit + 1])
    units = _unit_names({r.path for r in rows})
    today = timezone.localdate()
    return {
        "items": [_row(r, units, today) for r in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


def _get(user: User, resident_id: int) -> Resident:
    """One resident the caller may read: 404 outside the view scope, 403 without the right."""
    resident: Resident = get_visible(Resident.objects.all(), user, resident_id)
    _require_read(user, resident)
    return resident


def _detail(r: Resident, user: User) -> dict[str, Any]:
    prefixes = [r.path[:n] for n in PATH_LENGTH.values() if n <= len(r.path)]
    place = list(Unit.objects.filter(path__in=prefixes).order_by("path"))
    row = _row(r, {u.path: u.name for u in place}, timezone.localdate())
    for f in fields(services.ResidentData):
        if f.name not in ("unit", "id_number", "phone") and f.name not in row:
            row[f.name] = getattr(r, f.name)
    history = AuditLog.objects.filter(
        object_type=Resident._meta.label_lower, object_id=str(r.pk), layer=AuditLog.Layer.CHANGE
    ).order_by("-id")[:50]
    row.update(
        retired_reason=r.retired_reason,
        retired_at=r.retired_at,
        created_at=r.created_at,
        updated_at=r.updated_at,
        labels={
            name: labels(table).get(getattr(r, name), "") for name, table in LABEL_TABLES.items() if getattr(r, name)
        },
        place=place,
        history=[{"at": h.at, "username": h.username, "action": h.action, "changes": h.changes} for h in history],
        can_edit=user.has_cap("records.write") and path_within(r.path, user.capture_paths) and not r.is_retired,
        can_unmask=user.has_cap("pii.unmask"),
    )
    return row


def _data(user: User, payload: ResidentIn) -> services.ResidentData:
    unit = get_visible(Unit.objects.all(), user, payload.unit_id) if payload.unit_id is not None else None
    values = payload.dict(exclude={"unit_id"})
    return services.ResidentData(unit=unit, **values)


@router.post("/residents", response={201: ResidentOut})
def create_resident(request: HttpRequest, payload: ResidentIn) -> Status[dict[str, Any]]:
    user = acting(request)
    resident = services.create_resident(acting_user=user, data=_data(user, payload))
    return Status(201, _detail(resident, user))


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(_get(user, resident_id), user)


@router.put("/residents/{resident_id}", response=ResidentOut)
def update_resident(request: HttpRequest, resident_id: int, payload: ResidentIn) -> dict[str, Any]:
    user = acting(request)
    resident = services.update_resident(acting_user=user, resident=_get(user, resident_id), data=_data(user, payload))
    return _detail(resident, user)


@router.post("/residents/{resident_id}/retire", response=ResidentOut)
def retire_resident(request: HttpRequest, resident_id: int, payload: RetireIn) -> dict[str, Any]:
    user = acting(request)
    resident = services.retire_resident(acting_user=user, resident=_get(user, resident_id), reason=payload.reason)
    return _detail(resident, user)


@router.post("/residents/{resident_id}/reveal", response=RevealOut)
def reveal(request: HttpRequest, resident_id: int, payload: RevealIn) -> dict[str, str]:
    """The full ID number or phone of one resident; each look is audited."""
    user = acting(request)
    return {"value": services.reveal(acting_user=user, resident=_get(user, resident_id), field=payload.field)}
