"""The ledgers (台账): every office list as the standard register a unit prints and exports, and
the monthly ledger that bundles them (日清月结).

A ledger is the register a unit keeps of ITS OWN office work (seed 000 五: each 综治中心 keeps its
台账): the rows are the records whose unit is the chosen unit, never those of the units below
(the unit above opens a lower unit's ledger by choosing that unit; scope decides whether it may).
Reading needs `records.read` and the unit in the reader's view scope.

Each kind is a registry entry: key, Chinese title, columns (key, label, relative width) after the
seeds, and a row function reading the models in a few queries (never one per row). Withdrawn
records stay in the ledger, marked "（已撤回：原因）"; the files of a record show as a count.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zongzhi.cases.models import Status as CaseStatus
from zongzhi.core import months
from zongzhi.core.errors import InvalidInput
from zongzhi.core.scope import get_visible
from zongzhi.units.models import Unit, User

from .attachments import file_counts
from .models import (
    Activity,
    ActivityKind,
    DisputePeriodKind,
    DisputeReport,
    Document,
    DocumentCategory,
    DocumentRecipient,
    GridRole,
    Meeting,
    MeetingDecision,
    MeetingKind,
    OfficeAttachment,
    RiskAssessment,
    RiskDecision,
    RiskLevel,
    RiskStepKind,
    RiskSubject,
    StaffGroup,
    StaffMember,
    WorkLog,
)
from .services_common import day_bounds

READ = "records.read"
MAX_DAYS = 366  # the longest period one ledger covers
DONE_CASE = {CaseStatus.COMPLETED, CaseStatus.ARCHIVED}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # relative: the Excel column width in characters, the print view's share


@dataclass(frozen=True)
class Row:
    id: int
    cells: list[str]
    withdrawn: bool = False
    link: str = ""


RowsFn = Callable[[Unit, dt.date, dt.date], list[Row]]


@dataclass(frozen=True)
class LedgerKind:
    key: str
    title: str
    group: str  # 会议 | 公文 | 活动 | 日志 | 报表 | 评估 | 人员
    columns: tuple[Column, ...]
    rows: RowsFn
    periodic: bool = True  # False: the state at the end of the period (the staff list)
    note: str = ""


# ---------------------------------------------------------------- helpers


def _day(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _moment(t: dt.datetime | None) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if t else ""


def _withdrawn(text: str, record: Any) -> str:
    if getattr(record, "withdrawn_at", None) is None:
        return text
    return f"{text}（已撤回：{record.withdrawn_reason or '未说明原因'}）"


def _files(n: int) -> str:
    return f"{n}张" if n else "无"


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


# ---------------------------------------------------------------- rows of each kind


def meeting_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    first, after = day_bounds(start, end)
    meetings = list(Meeting.objects.filter(unit=unit, held_at__gte=first, held_at__lt=after).order_by("held_at", "id"))
    files = file_counts(OfficeAttachment.Owner.MEETING, [m.pk for m in meetings])
    return [
        Row(
            m.pk,
            [
                m.category or _label(MeetingKind, m.kind),
                _withdrawn(m.name, m),
                _moment(m.held_at),
                m.location,
                m.attendees,
                m.topic,
                m.content or m.minutes,
                _files(files.get(m.pk, 0)),
            ],
            m.is_withdrawn,
            f"/office/meetings?id={m.pk}",
        )
        for m in meetings
    ]


def decision_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    first, after = day_bounds(start, end)
    decisions = (
        MeetingDecision.objects.filter(meeting__unit=unit, meeting__held_at__gte=first, meeting__held_at__lt=after)
        .select_related("meeting", "holder_unit", "holder_department", "case")
        .order_by("meeting__held_at", "meeting_id", "seq")
    )
    today = timezone.localdate()
    out = []
    for d in decisions:
        case = d.case
        state = "未转办" if case is None else _label(CaseStatus, case.status)
        if (case is None or case.status not in DONE_CASE) and d.due_on < today:
            state += "（已超期）"
        holder = d.holder_unit.name + (f" {d.holder_department.name}" if d.holder_department else "")
        out.append(
            Row(
                d.pk,
                [
                    _withdrawn(d.meeting.name, d.meeting),
                    _moment(d.meeting.held_at),
                    str(d.seq),
                    d.text,
                    holder,
                    _day(d.due_on),
                    state,
                ],
                d.meeting.is_withdrawn,
                f"/office/meetings?id={d.meeting_id}",
            )
        )
    return out


def work_log_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    logs = list(
        WorkLog.objects.filter(unit=unit, logged_on__gte=start, logged_on__lte=end)
        .select_related("author", "case")
        .order_by("logged_on", "id")
    )
    files = file_counts(OfficeAttachment.Owner.WORK_LOG, [w.pk for w in logs])
    return [
        Row(
            w.pk,
            [
                _day(w.logged_on),
                _withdrawn(w.title, w),
                w.content,
                w.author.full_name or w.author.username,
                (f"已转为办件 {w.case.number or w.case.pk}" if w.case else ""),
                _files(files.get(w.pk, 0)),
            ],
            w.is_withdrawn,
            f"/office/work-logs?id={w.pk}",
        )
        for w in logs
    ]


def activity_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    activities = list(
        Activity.objects.filter(unit=unit, held_on__gte=start, held_on__lte=end).order_by("held_on", "id")
    )
    files = file_counts(OfficeAttachment.Owner.ACTIVITY, [a.pk for a in activities])
    return [
        Row(
            a.pk,
            [
                _label(ActivityKind, a.kind),
                _withdrawn(a.name, a),
                _day(a.held_on),
                a.location,
                a.topic,
                _files(files.get(a.pk, 0)),
            ],
            a.is_withdrawn,
            f"/office/activities?id={a.pk}",
        )
        for a in activities
    ]


def _document_rows(category: str) -> RowsFn:
    def rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
        documents = list(
            Document.objects.filter(
                sender_unit=unit, category=category, issued_on__gte=start, issued_on__lte=end
            ).order_by("issued_on", "id")
        )
        files = file_counts(OfficeAttachment.Owner.DOCUMENT, [d.pk for d in documents])
        return [
            Row(
                d.pk,
                [
                    d.issuer_label,
                    d.number,
                    _day(d.issued_on),
                    _withdrawn(d.title, d),
                    d.keywords,
                    d.description,
                    _files(files.get(d.pk, 0)),
                ],
                d.is_withdrawn,
                f"/office/documents/{d.pk}",
            )
            for d in documents
        ]

    return rows


def received_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    first, after = day_bounds(start, end)
    received = (
        DocumentRecipient.objects.filter(
            unit=unit, user__isnull=True, document__sent_at__gte=first, document__sent_at__lt=after
        )
        .select_related("document", "document__sender_unit", "signed_by")
        .order_by("document__sent_at", "id")
    )
    now = timezone.now()
    out = []
    for r in received:
        d = r.document
        if r.signed_at is None:
            state = "未签收（已超时）" if r.sign_due_at < now else "未签收"
        else:
            state = "超时签收" if r.signed_at > r.sign_due_at else "按时签收"
        out.append(
            Row(
                r.pk,
                [
                    d.sender_unit.name,
                    d.number,
                    _withdrawn(d.title, d),
                    _moment(d.sent_at),
                    _moment(r.sign_due_at),
                    _moment(r.signed_at),
                    (r.signed_by.full_name or r.signed_by.username) if r.signed_by else "",
                    state,
                ],
                d.is_withdrawn,
                f"/office/documents/{d.pk}",
            )
        )
    return out


def _pct(value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{value * 100:.1f}%" if value <= 1 else f"{value:.1f}%"
    return "—"


def dispute_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    reports = DisputeReport.objects.filter(unit=unit, period_start__gte=start, period_start__lte=end).order_by(
        "period_start", "period_kind"
    )
    out = []
    for r in reports:
        figures = r.figures if isinstance(r.figures, dict) else {}
        totals = figures.get("totals") or {}
        status = _label(DisputeReport.Status, r.status)
        out.append(
            Row(
                r.pk,
                [
                    f"{_day(r.period_start)} 至 {_day(r.period_end)}",
                    _label(DisputePeriodKind, r.period_kind),
                    str(totals.get("total", "")),
                    str(totals.get("resolved", "")),
                    str(totals.get("in_progress", "")),
                    str(totals.get("escalated", "")),
                    _pct(figures.get("resolution_rate")),
                    status,
                    _moment(r.submitted_at),
                    r.notes,
                ],
                False,
                f"/office/disputes/{r.pk}",
            )
        )
    return out


def risk_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    first, after = day_bounds(start, end)
    risks = list(
        RiskAssessment.objects.filter(unit=unit, created_at__gte=first, created_at__lt=after).order_by(
            "created_at", "id"
        )
    )
    files = file_counts(OfficeAttachment.Owner.RISK, [r.pk for r in risks])
    out = []
    for r in risks:
        progress = "已完成" if r.completed_at else f"进行中（{_label(RiskStepKind, r.step)}）"
        out.append(
            Row(
                r.pk,
                [
                    _withdrawn(r.title, r),
                    _label(RiskSubject, r.subject),
                    _moment(r.created_at),
                    r.group_members,
                    progress,
                    _label(RiskLevel, r.risk_level),
                    _label(RiskDecision, r.decision),
                    _moment(r.completed_at),
                    _files(files.get(r.pk, 0)),
                ],
                r.is_withdrawn,
                f"/office/risks/{r.pk}",
            )
        )
    return out


def staff_rows(unit: Unit, start: dt.date, end: dt.date) -> list[Row]:
    """The unit's leadership and centre staff, then the teams of its grids (一长四员), as they
    stood in the period: joined by its end, not left before its start. Phones masked."""
    staff = (
        StaffMember.objects.filter(Q(unit=unit) | Q(unit__parent=unit, unit__level="grid"))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .select_related("unit")
        .order_by("unit__path", "group", "grid_role", "order", "id")
    )
    out = []
    for s in staff:
        if s.grid_role:
            where, role = s.unit.name, _label(GridRole, s.grid_role)
        else:
            where, role = unit.name, _label(StaffGroup, s.group)
        name = s.name + (f"（{_day(s.left_on)}离任）" if s.left_on and s.left_on <= end else "")
        out.append(Row(s.pk, [where, role, name, s.post, s.phone_mask, _day(s.joined_on)], False, "/office/profile"))
    return out


# ---------------------------------------------------------------- the registry


def _c(key: str, label: str, width: int) -> Column:
    return Column(key, label, width)


MEETING_COLUMNS = (
    _c("category", "会议类别", 12),
    _c("name", "会议名称", 18),
    _c("held_at", "时间", 16),
    _c("location", "地点", 12),
    _c("attendees", "参加人员", 20),
    _c("topic", "会议主题", 20),
    _c("content", "会议内容", 36),
    _c("files", "附件", 7),
)
DOCUMENT_COLUMNS = (
    _c("issuer", "文件类别", 16),
    _c("number", "文号", 14),
    _c("issued_on", "发文时间", 11),
    _c("title", "文件名称", 28),
    _c("keywords", "主题词", 14),
    _c("description", "描述", 36),
    _c("files", "附件", 7),
)

KINDS: dict[str, LedgerKind] = {
    k.key: k
    for k in [
        LedgerKind("meetings", "会议台账", "会议", MEETING_COLUMNS, meeting_rows),
        LedgerKind(
            "decisions",
            "议定事项台账",
            "会议",
            (
                _c("meeting", "会议名称", 18),
                _c("held_at", "会议时间", 16),
                _c("seq", "序号", 6),
                _c("text", "议定事项", 40),
                _c("holder", "责任单位", 18),
                _c("due_on", "完成期限", 11),
                _c("status", "办理情况", 14),
            ),
            decision_rows,
            note="本单位在期间内召开会议的议定事项及其办理情况",
        ),
        LedgerKind(
            "work_logs",
            "工作日志",
            "日志",
            (
                _c("logged_on", "日期", 11),
                _c("title", "事项", 20),
                _c("content", "内容", 48),
                _c("author", "记录人", 10),
                _c("case", "转办情况", 16),
                _c("files", "附件", 7),
            ),
            work_log_rows,
        ),
        LedgerKind(
            "activities",
            "活动台账",
            "活动",
            (
                _c("kind", "类别", 10),
                _c("name", "活动名称", 24),
                _c("held_on", "时间", 11),
                _c("location", "地点", 16),
                _c("topic", "主题", 40),
                _c("files", "附件", 7),
            ),
            activity_rows,
        ),
        *[
            LedgerKind(
                f"documents_{cat.value}",
                f"文件台账（{cat.label}）",
                "公文",
                DOCUMENT_COLUMNS,
                _document_rows(cat.value),
                note="本单位发出或留存的该类文件",
            )
            for cat in DocumentCategory
        ],
        LedgerKind(
            "documents_received",
            "收文台账",
            "公文",
            (
                _c("sender", "发文单位", 16),
                _c("number", "文号", 14),
                _c("title", "文件名称", 28),
                _c("sent_at", "发文时间", 16),
                _c("sign_due_at", "签收时限", 16),
                _c("signed_at", "签收时间", 16),
                _c("signed_by", "签收人", 10),
                _c("state", "签收情况", 14),
            ),
            received_rows,
            note="上级发给本单位的公文及签收情况",
        ),
        LedgerKind(
            "dispute_reports",
            "矛盾纠纷排查月报台账",
            "报表",
            (
                _c("period", "报表期间", 24),
                _c("kind", "类型", 8),
                _c("total", "排查总数", 9),
                _c("resolved", "已化解", 9),
                _c("in_progress", "化解中", 9),
                _c("escalated", "上报", 9),
                _c("rate", "化解率", 9),
                _c("status", "状态", 8),
                _c("submitted_at", "上报时间", 16),
                _c("notes", "情况说明", 30),
            ),
            dispute_rows,
            note="本单位所报的数据（起始日期在期间内的报表）",
        ),
        LedgerKind(
            "risks",
            "社会稳定风险评估台账",
            "评估",
            (
                _c("title", "评估事项", 26),
                _c("subject", "评估对象", 10),
                _c("created_at", "登记时间", 16),
                _c("group", "评估小组", 20),
                _c("progress", "进度", 18),
                _c("level", "风险等级", 9),
                _c("decision", "评估结论", 16),
                _c("completed_at", "完成时间", 16),
                _c("files", "附件", 7),
            ),
            risk_rows,
        ),
        LedgerKind(
            "staff",
            "一长四员及工作人员名册",
            "人员",
            (
                _c("where", "单位或网格", 18),
                _c("role", "类别或网格职务", 16),
                _c("name", "姓名", 14),
                _c("post", "职务", 18),
                _c("phone", "联系电话", 14),
                _c("joined_on", "任职日期", 11),
            ),
            staff_rows,
            periodic=False,
            note="期间内在岗的人员，联系电话已脱敏",
        ),
    ]
}

SCOPE_NOTE = "台账只含本单位自己的记录，不含下级单位；查看下级单位的台账请选择该单位。"


def kind_of(key: str) -> LedgerKind:
    kind = KINDS.get(key)
    if kind is None:
        raise InvalidInput.field("kind", "没有这种台账", code="unknown_ledger")
    return kind


def kinds_out() -> list[dict[str, Any]]:
    return [
        {
            "key": k.key,
            "title": k.title,
            "group": k.group,
            "periodic": k.periodic,
            "note": k.note,
            "columns": [c.__dict__ for c in k.columns],
        }
        for k in KINDS.values()
    ]


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise InvalidInput.field("to", "截止日期不能早于起始日期", code="invalid_period")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput.field("to", f"一次最多查看{MAX_DAYS}天的台账", code="period_too_long")


def visible_unit(user: User, unit_id: int | None) -> Unit:
    """The unit whose ledger is read: in the user's view scope (404) and `records.read` (403)."""
    if unit_id is None:
        if user.unit_id is None:
            raise InvalidInput.field("unit", "请选择单位", code="required")
        unit_id = user.unit_id
    unit: Unit = get_visible(
        Unit.objects.all(), user, unit_id, READ, "没有查看台账的权限", missing="单位不存在或不在您的管辖范围内"
    )
    return unit


def unit_out(u: Unit) -> dict[str, Any]:
    return {"id": u.pk, "code": u.code, "name": u.name, "level": u.level, "path": u.path}


def build(kind: LedgerKind, unit: Unit, start: dt.date, end: dt.date) -> dict[str, Any]:
    rows = kind.rows(unit, start, end)
    return {
        "kind": kind.key,
        "title": kind.title,
        "note": kind.note,
        "unit": unit_out(unit),
        "start": start,
        "end": end,
        "columns": [c.__dict__ for c in kind.columns],
        "rows": [r.__dict__ for r in rows],
        "count": len(rows),
        "withdrawn": sum(1 for r in rows if r.withdrawn),
    }


def ledger(user: User, key: str, unit_id: int | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One ledger of one unit for a period (both dates included)."""
    kind = kind_of(key)
    check_period(start, end)
    unit = visible_unit(user, unit_id)
    return {**build(kind, unit, start, end), "made_at": timezone.now(), "scope_note": SCOPE_NOTE, "unit_obj": unit}


def parse_month(month: str | None) -> dt.date:
    """`YYYY-MM` as its first day, default this month (`core.months`)."""
    return months.parse_month(month)


def monthly(user: User, unit_id: int | None, month: str | None) -> dict[str, Any]:
    """日清月结: every ledger of one unit for one month, in the registry's order."""
    from .services_common import month_bounds

    first, last = month_bounds(parse_month(month))
    unit = visible_unit(user, unit_id)
    ledgers = [build(k, unit, first, last) for k in KINDS.values()]
    return {
        "unit": unit_out(unit),
        "month": first.strftime("%Y-%m"),
        "start": first,
        "end": last,
        "ledgers": ledgers,
        "made_at": timezone.now(),
        "scope_note": SCOPE_NOTE,
        "unit_obj": unit,
    }


# ---------------------------------------------------------------- Excel


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _period_label(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


def _sheet_title(text: str, used: set[str]) -> str:
    clean = "".join("、" if ch in "/\\?*[]:" else ch for ch in text)[:31]
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]}{n}"
        n += 1
    used.add(name)
    return name


def _print_setup(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True


def write_sheet(ws: Worksheet, data: dict[str, Any], made_at: dt.datetime) -> None:
    columns = data["columns"]
    unit = data["unit"]["name"]
    ws.append([f"{unit} {data['title']}"])
    ws.append([f"期间：{_period_label(data['start'], data['end'])}    共{data['count']}条"])
    ws.append([c["label"] for c in columns])
    last = get_column_letter(len(columns))
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 28
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, c["width"] * 1.1)
        cell = ws.cell(row=3, column=i)
        cell.font = Font(bold=True)
        cell.alignment = CENTER
        cell.border = BOX
    for row in data["rows"]:
        ws.append(row["cells"])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
            cell.border = BOX
            if row["withdrawn"]:
                cell.font = Font(color="888888")
    ws.append([])
    ws.append([f"制表单位：{unit}    制表日期：{timezone.localtime(made_at).date().isoformat()}"])
    _print_setup(ws, 3)


def to_excel(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _sheet_title(data["title"], set())
    write_sheet(ws, data, data["made_at"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def monthly_to_excel(data: dict[str, Any]) -> bytes:
    """A cover sheet with the count of every ledger, then a sheet per ledger."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    used = {"封面"}
    cover.title = "封面"
    unit = data["unit"]["name"]
    cover.append([f"{unit} {data['month']} 月度台账"])
    cover.append([f"期间：{_period_label(data['start'], data['end'])}"])
    cover.append(["序号", "台账", "记录数", "其中已撤回"])
    cover.merge_cells("A1:D1")
    cover.merge_cells("A2:D2")
    cover["A1"].font = Font(size=16, bold=True)
    cover["A1"].alignment = CENTER
    for cell in cover[3]:
        cell.font = Font(bold=True)
        cell.alignment = CENTER
        cell.border = BOX
    for i, ledger_data in enumerate(data["ledgers"], start=1):
        cover.append([i, ledger_data["title"], ledger_data["count"], ledger_data["withdrawn"]])
        for cell in cover[cover.max_row]:
            cell.border = BOX
    cover.append([])
    cover.append([f"制表单位：{unit}    制表日期：{timezone.localtime(data['made_at']).date().isoformat()}"])
    for letter, width in zip("ABCD", (8, 36, 10, 12), strict=True):
        cover.column_dimensions[letter].width = width
    _print_setup(cover, 3)
    for ledger_data in data["ledgers"]:
        ws = wb.create_sheet(_sheet_title(ledger_data["title"], used))
        write_sheet(ws, ledger_data, data["made_at"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
