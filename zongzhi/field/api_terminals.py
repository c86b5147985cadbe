"""REST endpoints of the grid worker's day: terminals (终端管理) and the confidentiality agreement
(保密协议), /api/field/terminals. Handlers validate, call a service, and serialize."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from zongzhi.core.access import acting
from zongzhi.core.errors import InvalidInput, NotFound
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import get_visible, subtree_q, write_mode
from zongzhi.units.auth import pending_auth
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_terminals as services
from .models import AgreementSignature, AgreementText, Terminal, TerminalEvent

router = Router(tags=["网格员工作"])

KindName = Literal["pc", "phone"]
StatusName = Literal["in_stock", "issued", "lost", "retired"]


class TerminalHolderOut(OutSchema):
    id: int
    full_name: str
    username: str
    unit_name: str
    phone_mask: str = Field(description="个人手机号（脱敏）")


class TerminalOut(OutSchema):
    id: int
    unit: UnitBrief
    kind: KindName
    kind_label: str
    asset_number: str
    model_name: str
    serial: str
    sim_number: str = Field(description="工作号码（单位所有，非个人信息）")
    holder: TerminalHolderOut | None
    status: StatusName
    status_label: str
    issued_at: dt.datetime | None
    bound: bool = Field(description="已绑定手机（持有人首次在该手机登录时绑定）")
    note: str
    created_at: dt.datetime
    can_manage: bool


class TerminalEventOut(OutSchema):
    id: int
    action: str
    action_label: str
    from_user: str
    to_user: str
    actor: str
    at: dt.datetime
    note: str


class TerminalDetailOut(TerminalOut):
    events: list[TerminalEventOut]


class TerminalPageOut(OutSchema):
    items: list[TerminalOut]
    count: int


class TerminalFilter(Schema):
    unit: int | None = Field(None, description="该单位及其下级")
    kind: KindName | None = None
    status: StatusName | None = None
    holder: int | None = None
    q: str = Field("", max_length=60)
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class TerminalIn(Schema):
    unit_id: int | None = Field(None, description="默认为本人所在单位")
    kind: KindName
    asset_number: str = Field(..., max_length=40)
    model_name: str = Field("", max_length=100)
    serial: str = Field("", max_length=64)
    sim_number: str = Field("", max_length=20)
    note: str = Field("", max_length=200)


class IssueIn(Schema):
    user_id: int
    note: str = Field("", max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class CandidateOut(OutSchema):
    id: int
    full_name: str
    username: str
    unit_name: str


class AgreementOut(OutSchema):
    id: int
    version: int
    title: str
    body: str
    published_at: dt.datetime
    published_by: str
    signed_at: dt.datetime | None = Field(description="本人签署本版本的时间")
    required: bool = Field(description="本人须签署后才能继续使用")


class AgreementSignIn(Schema):
    text_id: int
    client: Literal["phone", "pc"] = "pc"


class AgreementPublishIn(Schema):
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=20000)


class AgreementVersionOut(OutSchema):
    id: int
    version: int
    title: str
    published_at: dt.datetime
    published_by: str
    signatures: int


class SignerOut(OutSchema):
    user_id: int
    full_name: str
    username: str
    unit_name: str
    terminals: list[str]
    signed_version: int | None
    signed_at: dt.datetime | None
    signed_client: str
    current: bool = Field(description="已签署现行版本")


class SignerPageOut(OutSchema):
    version: int | None
    items: list[SignerOut]
    signed: int
    unsigned: int


# --- helpers --------------------------------------------------------------------------------


def _unit(user: User, unit_id: int | None) -> Unit:
    if unit_id is None:
        if user.unit is None:
            raise InvalidInput.field("unit_id", "请选择单位", code="required")
        unit: Unit = user.unit
        return unit
    found: Unit = get_visible(Unit.objects.defer("boundary"), user, unit_id, missing="单位不存在")
    return found


def _holder_out(u: User | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {
        "id": u.pk,
        "full_name": u.full_name,
        "username": u.username,
        "unit_name": u.unit.name if u.unit_id and u.unit is not None else "",
        "phone_mask": u.phone_mask,
    }


def _out(t: Terminal, user: User) -> dict[str, Any]:
    return {
        "id": t.pk,
        "unit": t.unit,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "asset_number": t.asset_number,
        "model_name": t.model_name,
        "serial": t.serial,
        "sim_number": t.sim_number,
        "holder": _holder_out(t.holder),
        "status": t.status,
        "status_label": t.get_status_display(),
        "issued_at": t.issued_at,
        "bound": bool(t.device_id),
        "note": t.note,
        "created_at": t.created_at,
        "can_manage": user.has_cap(services.MANAGE)
        and write_mode(user, t.path) == "own"
        and t.status != Terminal.Status.RETIRED,
    }


def _name(u: User | None) -> str:
    return (u.full_name or u.username) if u is not None else ""


def _base() -> Any:
    return Terminal.objects.select_related("unit", "holder__unit").defer("unit__boundary", "holder__unit__boundary")


def _get(user: User, terminal_id: int) -> Terminal:
    found: Terminal = get_visible(
        _base(), user, terminal_id, "records.read", "没有查看终端台账的权限", missing="终端不存在"
    )
    return found


def _detail(t: Terminal, user: User) -> dict[str, Any]:
    events = TerminalEvent.objects.filter(terminal=t).select_related("from_user", "to_user", "actor")
    return {
        **_out(t, user),
        "events": [
            {
                "id": e.pk,
                "action": e.action,
                "action_label": e.get_action_display(),
                "from_user": _name(e.from_user),
                "to_user": _name(e.to_user),
                "actor": _name(e.actor),
                "at": e.at,
                "note": e.note,
            }
            for e in events
        ],
    }


def _holder(user: User, user_id: int) -> User:
    """The person a terminal goes to: an account the actor can see."""
    found = User.objects.select_related("unit").filter(pk=user_id).first()
    if found is None or found.unit is None or not any(found.unit.path.startswith(p) for p in user.view_paths):
        raise InvalidInput.field("user_id", "请选择本单位及下级单位的人员", code="holder_not_found")
    return found


def _client(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- the agreement (before /{terminal_id}) --------------------------------------------------


def _agreement_out(text: AgreementText, user: User) -> dict[str, Any]:
    signed = AgreementSignature.objects.filter(user=user, text=text).values_list("signed_at", flat=True).first()
    return {
        "id": text.pk,
        "version": text.version,
        "title": text.title,
        "body": text.body,
        "published_at": text.published_at,
        "published_by": _name(text.published_by),
        "signed_at": signed,
        "required": services.agreement_required(user),
    }


@router.get("/agreement/current", auth=pending_auth, response=AgreementOut)
def agreement_current(request: HttpRequest) -> dict[str, Any]:
    """The agreement in force, and whether the caller has signed it (callable before signing)."""
    text = services.current_text()
    if text is None:
        raise NotFound("尚未发布保密协议")
    return _agreement_out(text, acting(request))


@router.post("/agreement/sign", auth=pending_auth, response=AgreementOut)
def agreement_sign(request: HttpRequest, payload: AgreementSignIn) -> dict[str, Any]:
    """我已阅读并同意: sign the version in force (time, address and client kept)."""
    user = acting(request)
    signature = services.sign_agreement(
        acting_user=user, text_id=payload.text_id, ip=_client(request), client=payload.client
    )
    return _agreement_out(signature.text, user)


@router.post("/agreement", response=AgreementOut)
def agreement_publish(request: HttpRequest, payload: AgreementPublishIn) -> dict[str, Any]:
    """Publish a new version (系统管理员): every terminal holder signs again."""
    user = acting(request)
    text = services.publish_agreement(acting_user=user, title=payload.title, body=payload.body)
    return _agreement_out(text, user)


@router.get("/agreement/versions", response=list[AgreementVersionOut])
def agreement_versions(request: HttpRequest) -> list[dict[str, Any]]:
    user = acting(request)
    services.require_agreement_reader(user)
    texts = AgreementText.objects.select_related("published_by").order_by("-version")
    counts = dict(
        AgreementSignature.objects.filter(subtree_q(user.view_paths, "user__unit__path"))
        .values("text_id")
        .annotate(n=Count("id"))
        .values_list("text_id", "n")
    )
    return [
        {
            "id": t.pk,
            "version": t.version,
            "title": t.title,
            "published_at": t.published_at,
            "published_by": _name(t.published_by),
            "signatures": counts.get(t.pk, 0),
        }
        for t in texts
    ]


@router.get("/agreement/signers", response=SignerPageOut)
def agreement_signers(
    request: HttpRequest, unit: int | None = None, state: Literal["all", "signed", "unsigned"] = "all"
) -> dict[str, Any]:
    """Terminal holders and signers under the unit (default: the caller's view scope): which
    version each signed and when; who has not signed the version in force (first)."""
    user = acting(request)
    paths = [_unit(user, unit).path] if unit is not None else list(user.view_paths)
    services.require_agreement_reader(user)
    current = services.current_text()
    holders = Terminal.objects.filter(status=Terminal.Status.ISSUED, holder__isnull=False).filter(
        subtree_q(paths, "holder__unit__path")
    )
    signed = AgreementSignature.objects.filter(subtree_q(paths, "user__unit__path"))
    terminals: dict[int, list[str]] = {}
    for holder_id, asset in holders.values_list("holder_id", "asset_number"):
        terminals.setdefault(holder_id, []).append(asset)
    latest: dict[int, AgreementSignature] = {}
    for sig in signed.select_related("text").order_by("user_id", "-text__version"):
        latest.setdefault(sig.user_id, sig)
    ids = set(terminals) | set(latest)
    users = User.objects.filter(pk__in=ids).select_related("unit").defer("unit__boundary").order_by("unit__path", "id")
    items = []
    for u in users:
        s = latest.get(u.pk)
        is_current = s is not None and current is not None and s.text_id == current.pk
        if (state == "signed" and not is_current) or (state == "unsigned" and is_current):
            continue
        items.append(
            {
                "user_id": u.pk,
                "full_name": u.full_name,
                "username": u.username,
                "unit_name": u.unit.name if u.unit else "",
                "terminals": terminals.get(u.pk, []),
                "signed_version": s.text.version if s else None,
                "signed_at": s.signed_at if s else None,
                "signed_client": s.client if s else "",
                "current": is_current,
            }
        )
    items.sort(key=lambda i: (i["current"], not i["terminals"]))
    return {
        "version": current.version if current else None,
        "items": items,
        "signed": sum(1 for i in items if i["current"]),
        "unsigned": sum(1 for i in items if not i["current"]),
    }


# --- the register ---------------------------------------------------------------------------


@router.get("", response=TerminalPageOut)
def list_terminals(request: HttpRequest, filters: Query[TerminalFilter]) -> dict[str, Any]:
    """Terminals of the unit and below (default: the caller's view scope)."""
    user = acting(request)
    root = _unit(user, filters.unit) if filters.unit is not None else None
    qs = services.terminal_list(
        user,
        services.TerminalFilter(
            root=root, kind=filters.kind or "", status=filters.status or "", holder_id=filters.holder, q=filters.q
        ),
    )
    rows = list(
        qs.select_related("unit", "holder__unit").defer("unit__boundary", "holder__unit__boundary")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    return {"items": [_out(t, user) for t in rows], "count": qs.count()}


@router.get("/candidates", response=list[CandidateOut])
def candidates(request: HttpRequest, unit: int) -> list[dict[str, Any]]:
    """Whom a terminal of the unit may be issued to: the active accounts of the unit and below."""
    user = acting(request)
    target = _unit(user, unit)
    return [
        {"id": u.pk, "full_name": u.full_name, "username": u.username, "unit_name": u.unit.name if u.unit else ""}
        for u in services.issue_candidates(user, target)[:500]
    ]


@router.post("", response={201: TerminalDetailOut})
def register(request: HttpRequest, payload: TerminalIn) -> Status[dict[str, Any]]:
    user = acting(request)
    unit = _unit(user, payload.unit_id)
    t = services.register_terminal(
        acting_user=user,
        unit=unit,
        data=services.TerminalData(
            kind=payload.kind,
            asset_number=payload.asset_number,
            model_name=payload.model_name,
            serial=payload.serial,
            sim_number=payload.sim_number,
            note=payload.note,
        ),
    )
    return Status(201, _detail(_get(user, t.pk), user))


@router.get("/{terminal_id}", response=TerminalDetailOut)
def detail(request: HttpRequest, terminal_id: int) -> dict[str, Any]:
    user = acting(request)
    return _detail(_get(user, terminal_id), user)


@router.post("/{terminal_id}/issue", response=TerminalDetailOut)
def issue(request: HttpRequest, terminal_id: int, payload: IssueIn) -> dict[str, Any]:
    user = acting(request)
    _get(user, terminal_id)
    services.issue_terminal(
        acting_user=user, terminal_id=terminal_id, holder=_holder(user, payload.user_id), note=payload.note
    )
    return _detail(_get(user, terminal_id), user)


@router.post("/{terminal_id}/handover", response=TerminalDetailOut)
def handover(request: HttpRequest, terminal_id: int, payload: IssueIn) -> dict[str, Any]:
    user = acting(request)
    _get(user, terminal_id)
    services.hand_over_terminal(
        acting_user=user, terminal_id=terminal_id, holder=_holder(user, payload.user_id), note=payload.note
    )
    return _detail(_get(user, terminal_id), user)


@router.post("/{terminal_id}/{step}", response=TerminalDetailOut)
def step(
    request: HttpRequest, terminal_id: int, step: Literal["return", "lost", "found", "retire"], payload: NoteIn
) -> dict[str, Any]:
    """收回 / 挂失 / 找回 / 报废, each with a note (挂失 and 报废 require one)."""
    user = acting(request)
    _get(user, terminal_id)
    run = {
        "return": services.return_terminal,
        "lost": services.report_lost,
        "found": services.report_found,
        "retire": services.retire_terminal,
    }[step]
    run(acting_user=user, terminal_id=terminal_id, note=payload.note)
    return _detail(_get(user, terminal_id), user)
