"""Services of the grid worker's day: the terminals register (终端管理) and the confidentiality
agreement (保密协议), seed 003 设备管理 and 第十一条.

Terminals belong to a unit (`path` is the unit's); the unit's own officers with
`terminals.manage` keep them (write scope "own": a township does not manage its villages'
terminals, it reads them). Each step of a terminal's life is a `TerminalEvent` and an audit
event; nothing is deleted (a terminal is retired).

专人专用: a person holds at most one phone terminal at a time. A terminal reported lost ends at
once every live session opened from its phone (`LoginSession.device_id`) and every live token
session of its holder (the phone app's sessions, whatever device id they carry).

The agreement: the newest `AgreementText` is the one in force. A user who holds a terminal
(issued to them) must have signed it before using the system (`agreement_required`); the API
refuses their requests with `agreement_required` (403) until they sign, like a pending password
change, except /me, logout and the agreement's own endpoints. Users without a terminal (a
leader reading on a shared screen, the auditor) are not held back: the seed asks every
*terminal user* to sign. Publishing a new version asks every holder to sign again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.cache import ProcessCache
from zongzhi.core.errors import AuditNote, Conflict, DomainError, Forbidden, InvalidInput, OutOfScope, required_text
from zongzhi.core.scope import path_within, subtree_q, write_mode
from zongzhi.units import grants
from zongzhi.units.models import LoginSession, Unit, User

from .models import AgreementSignature, AgreementText, Terminal, TerminalEvent

MANAGE = "terminals.manage"
CONFIGURE = "field.configure"

AUDIT_LABELS: dict[str, str] = {
    "terminal.registered": "登记终端",
    "terminal.issued": "配发终端",
    "terminal.handed_over": "终端交接",
    "terminal.returned": "收回终端",
    "terminal.lost": "终端挂失（结束其全部登录会话）",
    "terminal.found": "挂失终端找回",
    "terminal.retired": "终端报废",
    "terminal.bound": "终端绑定手机",
    "terminal.login_refused": "已挂失终端尝试登录被拒绝",
    "agreement.published": "发布保密协议新版本",
    "agreement.signed": "签署保密协议",
}

Action = TerminalEvent.Action
Status = Terminal.Status


class AgreementRequired(DomainError):
    status = 403
    code = "agreement_required"
    message = "请先阅读并签署《综治信息系统应用安全保密协议》"


class TerminalLost(DomainError):
    status = 403
    code = "terminal_lost"
    message = "该手机终端已挂失，不能登录；如已找回，请联系本单位终端管理人员"


# ---------------------------------------------------------------- scope helpers


def _require_manage(user: User, terminal: Terminal | None = None, path: str | None = None) -> None:
    """terminals.manage, and the terminal belongs to one of the user's own units (a village's
    terminals include those of its grids; upper levels read, they do not manage)."""
    require_cap(user, MANAGE, "没有“终端管理”的权限", terminal)
    target = path if path is not None else (terminal.path if terminal is not None else "")
    if write_mode(user, target) != "own":
        raise OutOfScope(
            "只能管理本单位的终端；上级单位只能查看下级单位的终端",
            code="terminal_out_of_scope",
            audit=AuditNote("scope.denied", terminal, {"mode": "write", "user_id": user.pk}),
        )


def _holder_in_unit(terminal: Terminal, holder: User) -> None:
    """A terminal goes to a person of its unit or a unit below it."""
    if not holder.is_active:
        raise InvalidInput.field("user_id", "该账号已停用，不能配发终端", code="holder_inactive")
    unit_path = holder.unit.path if holder.unit_id and holder.unit is not None else ""
    if not path_within(unit_path, [terminal.path]):
        raise InvalidInput.field("user_id", "只能配发给本单位及下级单位的人员", code="holder_out_of_unit")


def _one_phone_each(terminal: Terminal, holder: User) -> None:
    """专人专用: one phone terminal in use per person at a time (a lost one is replaced)."""
    if terminal.kind != Terminal.Kind.PHONE:
        return
    other = (
        Terminal.objects.filter(holder=holder, kind=Terminal.Kind.PHONE, status=Status.ISSUED)
        .exclude(pk=terminal.pk)
        .values_list("asset_number", flat=True)
        .first()
    )
    if other is not None:
        raise Conflict(
            f"{holder.full_name or holder.username}已持有手机终端{other}（专人专用，每人限一部），请先收回或交接",
            code="one_phone_each",
        )


def _locked(terminal_id: int) -> Terminal:
    found: Terminal | None = Terminal.objects.select_for_update().filter(pk=terminal_id).first()
    if found is None:
        raise Conflict("终端不存在")
    return found


def _event(
    terminal: Terminal,
    action: str,
    actor: User,
    *,
    from_user: User | None = None,
    to_user: User | None = None,
    note: str = "",
) -> TerminalEvent:
    return TerminalEvent.objects.create(
        terminal=terminal, action=action, actor=actor, from_user=from_user, to_user=to_user, note=note[:200]
    )


def _note(note: str, *, required: bool = False, what: str = "说明") -> str:
    text = (note or "").strip()
    if required and not text:
        raise InvalidInput.field("note", f"请填写{what}", code="required")
    if len(text) > 200:
        raise InvalidInput.field("note", f"{what}不能超过200个字", code="too_long")
    return text


def _holders_changed(*users: User | None) -> None:
    """The agreement gate of these users must be looked at again (their cached state is stale)."""
    present = [u for u in users if u is not None]
    if not present:
        return
    grants.renew([u.pk for u in present])
    stamps = dict(User.objects.filter(pk__in=[u.pk for u in present]).values_list("pk", "grants_stamp"))
    for u in present:  # the caller's copies too (the signer's own answer)
        u.grants_stamp = stamps.get(u.pk, u.grants_stamp)


# ---------------------------------------------------------------- the register


@dataclass(frozen=True)
class TerminalData:
    kind: str
    asset_number: str
    model_name: str = ""
    serial: str = ""
    sim_number: str = ""
    note: str = ""


def _clean(data: TerminalData) -> TerminalData:
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if data.kind not in Terminal.Kind.values:
        bad("kind", "请选择终端类型")
    asset = data.asset_number.strip()
    if not asset:
        bad("asset_number", "资产编号不能为空")
    elif len(asset) > 40:
        bad("asset_number", "资产编号不能超过40个字符")
    sim = data.sim_number.strip().replace(" ", "")
    if sim and not (sim.isdigit() and 5 <= len(sim) <= 20):
        bad("sim_number", "手机号码只能是5到20位数字")
    if data.kind == Terminal.Kind.PC and sim:
        bad("sim_number", "电脑终端不填手机号码")
    for field, value, limit in (("model_name", data.model_name, 100), ("serial", data.serial, 64)):
        if len(value.strip()) > limit:
            bad(field, f"不能超过{limit}个字符")
    if len(data.note.strip()) > 200:
        bad("note", "备注不能超过200个字")
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    return TerminalData(
        kind=data.kind,
        asset_number=asset,
        model_name=data.model_name.strip(),
        serial=data.serial.strip(),
        sim_number=sim,
        note=data.note.strip(),
    )


def register_terminal(*, acting_user: User, unit: Unit, data: TerminalData) -> Terminal:
    """Register a terminal of `unit` (in stock until issued)."""
    _require_manage(acting_user, path=unit.path)
    clean = _clean(data)
    if Terminal.objects.filter(asset_number=clean.asset_number).exists():
        raise InvalidInput.field("asset_number", "资产编号已登记，请核对", code="asset_number_taken")
    try:
        with transaction.atomic():
            terminal = Terminal.objects.create(
                unit=unit,
                path=unit.path,
                kind=clean.kind,
                asset_number=clean.asset_number,
                model_name=clean.model_name,
                serial=clean.serial,
                sim_number=clean.sim_number,
                note=clean.note,
            )
            _event(terminal, Action.REGISTER, acting_user, note=clean.note)
            record_event("terminal.registered", obj=terminal, detail={"kind": clean.kind, "unit": unit.name})
    except IntegrityError as exc:  # two registrations of one number at once
        raise InvalidInput.field("asset_number", "资产编号已登记，请核对", code="asset_number_taken") from exc
    return terminal


def issue_terminal(*, acting_user: User, terminal_id: int, holder: User, note: str = "") -> Terminal:
    """Issue a terminal in stock to a person of its unit or below (专人专用)."""
    text = _note(note)
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status != Status.IN_STOCK:
            raise Conflict(f"终端当前为“{terminal.get_status_display()}”，只有在库终端可以配发", code="not_in_stock")
        _holder_in_unit(terminal, holder)
        _one_phone_each(terminal, holder)
        terminal.holder = holder
        terminal.status = Status.ISSUED
        terminal.issued_at = timezone.now()
        terminal.device_id = ""
        terminal.save()
        _event(terminal, Action.ISSUE, acting_user, to_user=holder, note=text)
        record_event("terminal.issued", obj=terminal, detail={"to": holder.username, "note": text})
        _holders_changed(holder)
    return terminal


def hand_over_terminal(*, acting_user: User, terminal_id: int, holder: User, note: str) -> Terminal:
    """Hand a terminal in use over to another person (交接), with a note. A phone is bound anew
    at its new holder's first login on it."""
    text = _note(note, required=True, what="交接说明")
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status != Status.ISSUED or terminal.holder is None:
            raise Conflict("只有在用的终端可以交接", code="not_issued")
        if terminal.holder_id == holder.pk:
            raise InvalidInput.field("user_id", "交接对象不能是当前使用人", code="same_holder")
        _holder_in_unit(terminal, holder)
        _one_phone_each(terminal, holder)
        before = terminal.holder
        terminal.holder = holder
        terminal.issued_at = timezone.now()
        terminal.device_id = ""
        terminal.save()
        _event(terminal, Action.HANDOVER, acting_user, from_user=before, to_user=holder, note=text)
        record_event(
            "terminal.handed_over", obj=terminal, detail={"from": before.username, "to": holder.username, "note": text}
        )
        _holders_changed(before, holder)
    return terminal


def return_terminal(*, acting_user: User, terminal_id: int, note: str = "") -> Terminal:
    """Take a terminal back into stock (收回): no holder, no bound phone."""
    text = _note(note)
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status != Status.ISSUED:
            raise Conflict("只有在用的终端可以收回", code="not_issued")
        before = terminal.holder
        terminal.holder = None
        terminal.status = Status.IN_STOCK
        terminal.issued_at = None
        terminal.device_id = ""
        terminal.save()
        _event(terminal, Action.RETURN, acting_user, from_user=before, note=text)
        record_event(
            "terminal.returned", obj=terminal, detail={"from": before.username if before else "", "note": text}
        )
        _holders_changed(before)
    return terminal


def _end_sessions_of(terminal: Terminal, reason: str) -> list[int]:
    """End the live sessions opened from this terminal: those of its bound phone, and, for a
    phone, every token session of its holder too (the phone app logs in with a token; the app
    reinstalled, or an old app, logs in under another device id or none, and a person holds one
    phone: 专人专用)."""
    from zongzhi.units.auth import end_login_session

    live = LoginSession.objects.filter(ended_at__isnull=True, expires_at__gt=timezone.now())
    which = Q(device_id=terminal.device_id) if terminal.device_id else Q(pk__in=[])
    if terminal.holder_id is not None and terminal.kind == Terminal.Kind.PHONE:
        which |= Q(user_id=terminal.holder_id, kind=LoginSession.Kind.TOKEN)
    sessions = live.filter(which)
    ended = []
    for ls in sessions.select_related("user"):
        end_login_session(ls, reason)
        # as when an administrator ends a session: the auditor's 强制下线 lists it too
        record_event("auth.session_ended", obj=ls.user, detail={"session": ls.pk, "reason": reason})
        ended.append(ls.pk)
    return ended


def report_lost(*, acting_user: User, terminal_id: int, note: str) -> Terminal:
    """挂失: the terminal is marked lost and every live session opened from it ends at once (the
    next request with its token gets 401); a lost phone cannot log in again until found."""
    text = _note(note, required=True, what="挂失情况")
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status != Status.ISSUED:
            raise Conflict("只有在用的终端可以挂失", code="not_issued")
        terminal.status = Status.LOST
        terminal.save()
        ended = _end_sessions_of(terminal, "terminal_lost")
        _event(terminal, Action.LOST, acting_user, from_user=terminal.holder, note=text)
        record_event(
            "terminal.lost",
            obj=terminal,
            detail={
                "holder": terminal.holder.username if terminal.holder else "",
                "device_bound": bool(terminal.device_id),
                "sessions_ended": len(ended),
                "note": text,
            },
        )
    return terminal


def report_found(*, acting_user: User, terminal_id: int, note: str = "") -> Terminal:
    """A lost terminal found again goes back into stock, unbound: it is issued anew."""
    text = _note(note)
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status != Status.LOST:
            raise Conflict("只有已挂失的终端可以登记找回", code="not_lost")
        before = terminal.holder
        terminal.status = Status.IN_STOCK
        terminal.holder = None
        terminal.issued_at = None
        terminal.device_id = ""
        terminal.save()
        _event(terminal, Action.FOUND, acting_user, from_user=before, note=text)
        record_event("terminal.found", obj=terminal, detail={"note": text})
        _holders_changed(before)
    return terminal


def retire_terminal(*, acting_user: User, terminal_id: int, note: str) -> Terminal:
    """报废: a terminal in stock or lost is retired for good (kept in the register)."""
    text = _note(note, required=True, what="报废原因")
    with transaction.atomic():
        terminal = _locked(terminal_id)
        _require_manage(acting_user, terminal)
        if terminal.status not in (Status.IN_STOCK, Status.LOST):
            raise Conflict("请先收回终端再报废", code="retire_issued")
        before = terminal.holder
        terminal.status = Status.RETIRED
        terminal.holder = None
        terminal.device_id = ""
        terminal.save()
        _event(terminal, Action.RETIRE, acting_user, from_user=before, note=text)
        record_event("terminal.retired", obj=terminal, detail={"note": text})
        _holders_changed(before)
    return terminal


# ---------------------------------------------------------------- login: binding, lost phones


def refuse_lost_phone(request: HttpRequest, user: User, client: str, device_id: str) -> None:
    """Login hook (units.auth.LOGIN_HOOKS): a phone reported lost does not log in again."""
    if not device_id:
        return
    lost = Terminal.objects.filter(device_id=device_id, status=Status.LOST).first()
    if lost is not None:
        record_event(
            "terminal.login_refused", obj=lost, username=user.username, user_id=user.pk, detail={"device": device_id}
        )
        raise TerminalLost()


def terminal_of_phone(user: User, device_id: str, *, at: Any = None) -> Terminal | None:
    """The phone terminal this login comes from: the one bound to `device_id`, or else the
    holder's issued phone that is not bound yet, which this login binds (TerminalEvent "bind")."""
    if not device_id:
        return None
    bound: Terminal | None = Terminal.objects.filter(device_id=device_id, status=Status.ISSUED).first()
    if bound is not None:
        return bound
    with transaction.atomic():
        free: Terminal | None = (
            Terminal.objects.select_for_update()
            .filter(holder=user, kind=Terminal.Kind.PHONE, status=Status.ISSUED, device_id="")
            .first()
        )
        if free is None:
            return None
        free.device_id = device_id
        free.save(update_fields=["device_id", "updated_at"])
        _event(free, Action.BIND, user, to_user=user, note="首次登录自动绑定")
        record_event("terminal.bound", obj=free, detail={"device": device_id})
    return free


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class TerminalFilter:
    root: Unit | None = None
    kind: str = ""
    status: str = ""
    holder_id: int | None = None
    q: str = ""


def terminal_list(user: User, f: TerminalFilter) -> QuerySet[Terminal]:
    """Terminals of the user's view scope (or of one unit and below), newest unit order."""
    qs = Terminal.objects.restrict(user, "records.read", "没有查看终端台账的权限")
    if f.root is not None:
        qs = qs.under(f.root.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.holder_id is not None:
        qs = qs.filter(holder_id=f.holder_id)
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(
            Q(asset_number__icontains=q) | Q(model_name__icontains=q) | Q(serial__icontains=q) | Q(holder__full_name=q)
        )
    return qs


def issue_candidates(user: User, unit: Unit) -> QuerySet[User]:
    """The people a terminal of `unit` may go to: active accounts of the unit and below."""
    require_cap(user, MANAGE, "没有“终端管理”的权限", unit)
    return (
        User.objects.filter(is_active=True)
        .filter(subtree_q([unit.path], "unit__path"))
        .select_related("unit")
        .only("id", "full_name", "username", "unit__name", "unit__path")
        .order_by("unit__path", "id")
    )


# ---------------------------------------------------------------- the agreement


def current_text() -> AgreementText | None:
    """The version in force: the newest."""
    return AgreementText.objects.order_by("-version").first()


def _pending_query(user_id: int) -> bool:
    """One query: holds an issued terminal, and no signature of the newest version."""
    latest = AgreementText.objects.order_by("-version").values("pk")[:1]
    signed = AgreementSignature.objects.filter(user_id=user_id, text_id=Subquery(latest))
    return bool(
        Terminal.objects.filter(holder_id=user_id, status=Status.ISSUED)
        .filter(Exists(AgreementText.objects.all()))
        .exclude(Exists(signed.filter(user_id=OuterRef("holder_id"))))
        .exists()
    )


# user id → must sign, as of the user's grants stamp (renewed by every change of what the state
# is made of: a terminal issued or taken back, a signature, a new version for its holders).
_PENDING: ProcessCache[int, bool] = ProcessCache("agreement-pending", _pending_query, check_seconds=300, max_age=300)


def agreement_required(user: User) -> bool:
    """Whether the user must sign the agreement in force before going on (cached per process)."""
    if not user.is_active:
        return False
    return _PENDING.get(user.pk, user.grants_stamp)


def agreement_gate(user: User, pending: bool) -> None:
    """Request gate (units.auth.REQUEST_GATES): refuse everything but the pending endpoints
    until the user has signed. Looked up on the pending endpoints too, so the cache is warm."""
    required = agreement_required(user)
    if required and not pending:
        raise AgreementRequired()


def sign_agreement(*, acting_user: User, text_id: int, ip: str | None, client: str) -> AgreementSignature:
    """Sign the version in force (`text_id` must be it: a version published meanwhile is shown
    first). Signing twice returns the first signature."""
    with transaction.atomic():
        text = current_text()
        if text is None:
            raise Conflict("当前没有需要签署的保密协议", code="no_agreement")
        if text.pk != text_id:
            raise Conflict("保密协议已发布新版本，请阅读新版本后再签署", code="agreement_outdated")
        signature, created = AgreementSignature.objects.get_or_create(
            user=acting_user, text=text, defaults={"ip": ip, "client": client[:8]}
        )
        if created:
            record_event("agreement.signed", obj=text, detail={"version": text.version, "client": client})
            _holders_changed(acting_user)
    return signature


def publish_agreement(*, acting_user: User, title: str, body: str) -> AgreementText:
    """Publish a new version: every terminal holder must sign again."""
    require_cap(acting_user, CONFIGURE, "没有发布保密协议的权限")
    clean_title = required_text(title, field="title", limit=100, what="标题")
    clean_body = (body or "").strip()
    if not clean_body:
        raise InvalidInput.field("body", "协议正文不能为空", code="required")
    if len(clean_body) > 20000:
        raise InvalidInput.field("body", "协议正文不能超过20000个字", code="too_long")
    with transaction.atomic():
        last = AgreementText.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        text = AgreementText.objects.create(
            version=version, title=clean_title, body=clean_body, published_by=acting_user
        )
        record_event("agreement.published", obj=text, detail={"version": version, "title": clean_title})
        holders = set(
            Terminal.objects.filter(status=Status.ISSUED, holder__isnull=False).values_list("holder_id", flat=True)
        )
        grants.renew(holders)
    return text


def require_agreement_reader(user: User) -> None:
    """Who may see the signatures: the administrator of the text, or the terminals' keepers."""
    if not (user.has_cap(CONFIGURE) or user.has_cap(MANAGE)):
        raise Forbidden(
            "没有查看保密协议签署情况的权限", audit=AuditNote("permission.denied", None, {"capability": CONFIGURE})
        )
