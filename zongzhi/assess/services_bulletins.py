"""The monthly bulletin (督查通报, seed 003 浦口区综治信息系统建设应用工作制度 二、督查通报制度):
a county or township reports, each month and in writing, how the units directly below it used
the system.

1. `generate_bulletin` (capability `assess.score`, the user's own county or township, a month
   that has begun): the eight 督查内容 of the seed, each from the rubric items that measure it
   (`TOPICS`: the measures of services_rubric's engine, one figure per child unit: score out of
   the items' points, the measured values and the number of shortfalls), the ranking of the
   month (`services_rubric.ranking`), the login red lights (`services_logins.login_lights`),
   the late, missing and concealed reports (alerts' `InfoLapse`), and the best and the worst
   units. The figures are kept in `Bulletin.content` as generated; generating a month again
   replaces a bulletin not issued yet.
2. `bulletin_docx`: the .docx from a replaceable template (docxtpl; `DocumentTemplate` code
   `bulletin`, the alerts app's mechanism), downloads audited.
3. `issue_bulletin` (capability `office.send`): the .docx goes to the units below as a 简报 of
   the office's documents with sign-off (`office.services_documents.issue`), once.

A bulletin is read by users who see its issuing unit, and, once issued, by the units below that
received it (`received_q`: read only, print view and .docx): the rankings it publishes are the
unit above's choice (issue 18), so a village reads its siblings' figures only as published there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zongzhi.alerts.docx import chinese_date, render, save_template, stored_template
from zongzhi.alerts.models import DocumentTemplate, InfoLapse, LapseKind
from zongzhi.audit.services import record_event
from zongzhi.core import months
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Conflict, Forbidden, NotFound
from zongzhi.core.months import previous_month, this_month
from zongzhi.core.scope import path_within, subtree_q
from zongzhi.units.models import Unit, User

from .models import Bulletin, ItemResult
from .services_logins import login_lights
from .services_rubric import assessed_children, ensure_scored, month_period, ranking

TEMPLATE_CODE = "bulletin"
TEMPLATE_NAME = "督查通报"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "bulletin.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ISSUING_LEVELS = ("county", "township")

# The eight 督查内容 of the seed and the rubric measures that read each one.
TOPICS: list[tuple[str, list[str]]] = [
    ("首页待办事项完成情况", ["work.daily_logins", "work.terminal_logins"]),
    (
        "各模块信息数据录入和服务情况",
        ["basic.service_categories", "basic.help_groups", "basic.grid_staff", "work.visits", "work.service_rate"],
    ),
    ("各类事项上报、办理和反馈情况", ["work.dispute_resolution", "work.case_feedback", "work.report_lapses"]),
    ("手机终端运用情况", ["practice.mobile_use"]),
    ("系统安全保密执行情况", ["security.confidentiality"]),
    ("公文签收、流转情况", ["office.document_signoff"]),
    ("各模块实际运用情况", ["basic.facility_inspections", "work.patrol_routes"]),
    ("工作活动记录和分析研判情况", ["office.activity_records"]),
]
ORDINALS = "一二三四五六七八"
# Results that were measured or scored by hand (待计算 and 未评分 count as full points).
MEASURED = (ItemResult.Status.COMPUTED, ItemResult.Status.HAND)

AUDIT_LABELS = {
    "bulletin.generated": "生成督查通报",
    "bulletin.downloaded": "下载督查通报",
    "bulletin.issued": "下发督查通报",
    "bulletin.template_uploaded": "上传督查通报模板",
}


def parse_month(value: str | None) -> dt.date:
    """`2026-11` → its first day (default: last month), within `core.months`' bounds."""
    return months.parse_month(value, default=previous_month(this_month()))


def issuing_unit(user: User) -> Unit:
    """The user's own county or township (the unit above issues the bulletin)."""
    require_cap(user, "assess.score", "没有发布督查通报的权限")
    unit = user.unit
    if unit is None or unit.level not in ISSUING_LEVELS or not path_within(unit.path, user.capture_paths):
        raise Forbidden(
            "只有县（区）、乡镇（街道）综治中心可以发布督查通报",
            code="bulletin_level",
            audit=AuditNote("permission.denied", unit, {"capability": "assess.score"}),
        )
    return unit


def _num(x: Decimal | float) -> str:
    return f"{Decimal(x):.2f}".rstrip("0").rstrip(".")


def _topics(children: list[Unit], month: dt.date) -> list[dict[str, Any]]:
    codes = [c for _t, cs in TOPICS for c in cs]
    rows = ItemResult.objects.filter(unit__in=children, month=month, item__measure__in=codes).values(
        "unit_id", "item__measure", "item__number", "score", "points", "value", "shortfall_count", "status"
    )
    cell: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        cell[(r["unit_id"], r["item__measure"])].append(r)
    out = []
    for i, (title, measures) in enumerate(TOPICS):
        units = []
        for child in children:
            found = [r for m in measures for r in cell.get((child.pk, m), [])]
            score = sum((Decimal(r["score"]) for r in found), Decimal(0))
            points = sum((Decimal(r["points"]) for r in found), Decimal(0))
            units.append(
                {
                    "unit": child.name,
                    "score": _num(score),
                    "points": _num(points),
                    "deducted": _num(points - score),
                    "shortfalls": sum(r["shortfall_count"] for r in found),
                    "figures": "；".join(f"{r['item__number']} {r['value']}" for r in found if r["value"]),
                    "measured": any(r["status"] in MEASURED for r in found),
                }
            )
        lost = sorted((u for u in units if Decimal(u["deducted"]) > 0), key=lambda u: -Decimal(u["deducted"]))
        if lost:
            summary = "扣分单位：" + "、".join(f"{u['unit']}（扣{u['deducted']}分）" for u in lost) + "。"
        elif any(u["measured"] for u in units):
            summary = "各单位均未扣分。"
        else:
            summary = "本项尚未计算或评分（计算规则待上线或待人工评分），暂按满分计。"
        out.append({"ordinal": ORDINALS[i], "title": title, "summary": summary, "units": units})
    return out


def _lapses(unit: Unit, children: list[Unit], month: dt.date) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    rows = (
        InfoLapse.objects.filter(subtree_q([unit.path]), month=month)
        .exclude(path=unit.path)
        .values("path", "kind")
        .annotate(n=Count("id"))
    )
    for r in rows:
        for child in children:
            if r["path"].startswith(child.path):
                counts[(child.name, r["kind"])] += r["n"]
    return [
        {
            "unit": c.name,
            "late": counts[(c.name, LapseKind.LATE)],
            "missing": counts[(c.name, LapseKind.MISSING)],
            "concealed": counts[(c.name, LapseKind.CONCEALED)],
        }
        for c in children
    ]


def build_content(user: User, unit: Unit, month: dt.date) -> dict[str, Any]:
    """The bulletin's figures (see the module's step 1)."""
    period = month_period(month)
    rank = ranking(acting_user=user, parent=unit, period=period)
    children = [line.unit for line in rank.lines]
    lines = [
        {
            "rank": line.rank,
            "unit": line.unit.name,
            "total": _num(line.total),
            "deducted": _num(line.deducted),
            "unscored": line.unscored,
        }
        for line in rank.lines
    ]
    lights = login_lights(acting_user=user, unit=unit, kind="month", day=month)
    red_units = [
        # a unit's cell counts its red workers; the most in any week or in the month
        {"unit": r.name, "workers": max((c[0] for c in r.cells), default=0)}
        for r in lights.units
        if r.light == "red"
    ]
    red_workers = [
        {"name": r.name, "unit": r.unit_name, "logins": r.cells[-1][0] if r.cells else 0}
        for r in lights.workers
        if r.light == "red"
    ]
    best = [x["unit"] for x in lines if lines and x["rank"] == lines[0]["rank"]] if len(lines) > 1 else []
    worst_rank = lines[-1]["rank"] if lines else 0
    worst = [x["unit"] for x in lines if x["rank"] == worst_rank] if len(lines) > 1 and worst_rank != 1 else []
    lapses = _lapses(unit, children, month)
    return {
        "unit": unit.name,
        "month": month.strftime("%Y-%m"),
        "month_label": period.label,
        "ranking": lines,
        "topics": _topics(children, month),
        "red_units": red_units,
        "red_workers": red_workers,
        "login_week_min": lights.week_min,
        "login_month_min": lights.month_min,
        "lapses": lapses,
        "lapse_total": sum(x["late"] + x["missing"] + x["concealed"] for x in lapses),
        "best": best,
        "worst": worst,
    }


def generate_bulletin(*, acting_user: User, month: str | None) -> Bulletin:
    """Make (or make again, until issued) the month's bulletin of the user's unit."""
    unit = issuing_unit(acting_user)
    first = parse_month(month)
    if Bulletin.objects.filter(unit=unit, month=first, issued_at__isnull=False).exists():
        raise Conflict("本月督查通报已下发，不能重新生成", code="bulletin_issued")
    # generating publishes the month's ranking: units the monthly job has not scored yet are
    # scored now rather than left out of it, before the bulletin's row is locked (a county's
    # scoring run must not hold the write lock of the embedded SQLite)
    ensure_scored(assessed_children(unit), [first], closed=True)
    return _write_bulletin(acting_user, unit, first)


@transaction.atomic
def _write_bulletin(acting_user: User, unit: Unit, first: dt.date) -> Bulletin:
    existing = Bulletin.objects.select_for_update().filter(unit=unit, month=first).first()
    if existing is not None and existing.issued_at is not None:
        raise Conflict("本月督查通报已下发，不能重新生成", code="bulletin_issued")
    content = build_content(acting_user, unit, first)
    now = timezone.now()
    if existing is None:
        number = first.month  # one bulletin a month: the month is its issue number
        existing = Bulletin(unit=unit, path=unit.path, month=first, number=number)
    existing.title = f"{unit.name}综治信息系统应用督查通报（{first.year}年第{existing.number}期）"
    existing.content = content
    existing.generated_by, existing.generated_at = acting_user, now
    existing.save()
    record_event("bulletin.generated", obj=existing, detail={"month": content["month"]})
    return existing


def received_q(user: User) -> Q:
    """Bulletins a unit above issued to the user's unit: issued, and their office document is in
    the user's in-tray (`office.services_documents.my_rows`) and not withdrawn. The lower unit
    reads the bulletin as issued (its rankings are the issuer's to publish), nothing more."""
    from zongzhi.office.services_documents import my_rows

    documents = my_rows(user).filter(document__withdrawn_at__isnull=True).values("document_id")
    return Q(issued_at__isnull=False, document_id__in=documents)


def is_received(user: User, row: Bulletin) -> bool:
    """Read-only for the user: received from a unit above, not of a unit in their view scope."""
    return not path_within(row.path, user.view_paths)


def content_for(user: User, row: Bulletin) -> dict[str, Any]:
    """What the user reads of a bulletin: all of it for the issuer's side; for a unit that
    received it, what the issuer published (the Word document names red-light units and counts
    their workers): the red-light workers of other units are counted, not named."""
    content = dict(row.content)
    if is_received(user, row):
        mine = {u.name for u in Unit.objects.filter(subtree_q(user.view_paths)).only("name")}
        content["red_workers"] = [
            w if w.get("unit") in mine else {**w, "name": "—"} for w in content.get("red_workers", [])
        ]
    return content


def visible_bulletins(user: User) -> Any:
    """The bulletins of the units in view, and those a unit above issued to the user's unit."""
    require_cap(user, "records.read", "没有查看督查通报的权限")
    return Bulletin.objects.filter(subtree_q(user.view_paths) | received_q(user)).select_related("unit", "generated_by")


def get_bulletin(user: User, bulletin_id: int) -> Bulletin:
    row: Bulletin | None = Bulletin.objects.select_related("unit", "generated_by").filter(pk=bulletin_id).first()
    if row is None:
        raise NotFound("督查通报不存在")
    if is_received(user, row) and not Bulletin.objects.filter(received_q(user), pk=row.pk).exists():
        raise NotFound("督查通报不存在", audit=AuditNote("scope.denied", row, {"mode": "read", "user_id": user.pk}))
    require_cap(user, "records.read", "没有查看督查通报的权限", row)
    return row


# --- the .docx ---------------------------------------------------------------------------------
SAMPLE_CONTEXT: dict[str, Any] = {
    "title": "某区综治信息系统应用督查通报（2026年第11期）",
    "unit": "某区综治中心",
    "month_label": "2026年11月",
    "date": "二〇二六年十二月一日",
    "intro": "现将2026年11月各街道综治信息系统应用情况通报如下。",
    "ranking": [{"rank": 1, "unit": "某街道", "total": "98.5", "deducted": "1.5", "unscored": 0}],
    "topics": [
        {
            "ordinal": "一",
            "title": "首页待办事项完成情况",
            "summary": "各单位均未扣分。",
            "units": [{"unit": "某街道", "score": "4", "points": "4", "shortfalls": 0, "figures": ""}],
        }
    ],
    "red_text": "本月无登录红灯单位。",
    "red_units": [{"unit": "某街道", "workers": 1}],
    "lapse_text": "本月无迟报、漏报、瞒报。",
    "lapses": [{"unit": "某街道", "late": 0, "missing": 0, "concealed": 0}],
    "best_text": "某街道",
    "worst_text": "某街道",
}


def context_of(bulletin: Bulletin) -> dict[str, Any]:
    c = bulletin.content
    reds = c.get("red_units", [])
    red_text = (
        f"本月登录红灯单位{len(reds)}个（每周少于{c.get('login_week_min')}次或每月少于{c.get('login_month_min')}次），"
        f"红灯人员{len(c.get('red_workers', []))}人。"
        if reds
        else "本月无登录红灯单位。"
    )
    lapse_total = c.get("lapse_total", 0)
    return {
        "title": bulletin.title,
        "unit": c["unit"],
        "month_label": c["month_label"],
        "date": chinese_date(timezone.localtime(bulletin.generated_at).date()),
        "intro": f"根据综治信息系统建设应用工作制度，现将{c['month_label']}各单位综治信息系统应用督查情况通报如下。",
        "ranking": c["ranking"],
        "topics": c["topics"],
        "red_text": red_text,
        "red_units": reds,
        "lapse_text": f"本月迟报、漏报、瞒报共{lapse_total}件。" if lapse_total else "本月无迟报、漏报、瞒报。",
        "lapses": [x for x in c.get("lapses", []) if x["late"] or x["missing"] or x["concealed"]],
        "best_text": "、".join(c.get("best", [])) or "无",
        "worst_text": "、".join(c.get("worst", [])) or "无",
    }


def current_template() -> bytes:
    """The uploaded replacement if there is one, else the shipped default."""
    return stored_template(TEMPLATE_CODE, DEFAULT_TEMPLATE)[0]


def render_docx(bulletin: Bulletin) -> bytes:
    return render(current_template(), context_of(bulletin))


def bulletin_docx(*, acting_user: User, bulletin_id: int) -> tuple[bytes, Bulletin]:
    row = get_bulletin(acting_user, bulletin_id)
    data = render_docx(row)
    record_event("bulletin.downloaded", obj=row, detail={"month": row.content.get("month")})
    return data, row


def upload_template(*, acting_user: User, name: str, data: bytes) -> DocumentTemplate:
    """Replace the bulletin's template."""
    return save_template(
        acting_user=acting_user,
        code=TEMPLATE_CODE,
        title=TEMPLATE_NAME,
        name=name,
        data=data,
        sample=SAMPLE_CONTEXT,
        event="bulletin.template_uploaded",
    )


@transaction.atomic
def issue_bulletin(*, acting_user: User, bulletin_id: int) -> Bulletin:
    """Send the bulletin's .docx to the units below as a 简报 with sign-off (once)."""
    from zongzhi.cases.attachments import store_upload
    from zongzhi.office.models import DocumentCategory, DocumentKind
    from zongzhi.office.services_documents import NewDocument, issue

    row = get_bulletin(acting_user, bulletin_id)
    unit = issuing_unit(acting_user)
    if row.unit_id != unit.pk:
        raise Forbidden(
            "只能下发本单位的督查通报", code="bulletin_not_own", audit=AuditNote("permission.denied", row, {})
        )
    row = cast(Bulletin, Bulletin.objects.select_for_update().get(pk=row.pk))
    if row.issued_at is not None:
        raise Conflict("该督查通报已下发", code="bulletin_issued")
    data = render_docx(row)
    upload = SimpleUploadedFile(f"{row.title}.docx", data, content_type=DOCX_TYPE)
    attachment = store_upload(acting_user=acting_user, upload=upload, allow_documents=True)
    children = list(
        Unit.objects.filter(parent=unit, is_retired=False).exclude(level="grid").values_list("pk", flat=True)
    )
    document = issue(
        acting_user,
        NewDocument(
            kind=DocumentKind.BRIEFING,
            title=row.title[:100],
            category=DocumentCategory.BRIEFING,
            description=f"{row.content.get('month_label', '')}综治信息系统应用督查通报，请各单位签收并对照整改。",
            unit_ids=children,
            attachment_ids=[attachment.pk],
        ),
    )
    row.document_id, row.issued_at = document.pk, timezone.now()
    row.save(update_fields=["document_id", "issued_at"])
    record_event("bulletin.issued", obj=row, detail={"document_id": document.pk, "units": len(children)})
    return row
