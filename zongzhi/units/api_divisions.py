"""Loading a newer division list (system administrator): upload → preview → apply.
Handlers read the file, call `division_updates`, and serialize."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.files import UploadedFile

from zongzhi.core.access import acting

from . import division_updates as updates
from .schemas import DivisionPlanOut

divisions_router = Router(tags=["辖区与网格"])

KINDS = ("new", "renamed", "recoded", "restored", "unlisted")


def _out(plan: updates.Plan, *, applied: bool) -> dict[str, Any]:
    return {
        "applied": applied,
        "rows": plan.rows,
        "unchanged": plan.unchanged,
        "digest": plan.digest,
        "counts": {kind: plan.count(kind) for kind in KINDS},
        "changes": plan.changes,
    }


def _rows(request: HttpRequest, file: UploadedFile) -> list[updates.Row]:
    from zongzhi.core.access import require_cap

    require_cap(acting(request), "units.manage")  # refuse before reading what was sent
    return updates.read_file(file.read(updates.MAX_FILE_BYTES + 1), file.name or "")


@divisions_router.post("/preview", response=DivisionPlanOut)
def preview_divisions(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Compare an uploaded division list (CSV or .xlsx: 代码, 名称, optionally 上级代码 and
    层级) with the tree; nothing is changed. `digest` goes back with the apply."""
    user = acting(request)
    return _out(updates.plan_changes(user, _rows(request, file)), applied=False)


@divisions_router.post("/apply", response=DivisionPlanOut)
def apply_divisions(
    request: HttpRequest, file: File[UploadedFile], digest: Form[str] = "", retire: Form[bool] = False
) -> dict[str, Any]:
    """Apply the same file, all or nothing. With `retire`, units no longer listed are retired
    (with their grids); refused (409) when the tree changed since the preview of `digest`."""
    user = acting(request)
    rows = _rows(request, file)
    plan = updates.apply_changes(
        acting_user=user, rows=rows, retire=retire, digest=digest or None, source=file.name or ""
    )
    return _out(plan, applied=True)
