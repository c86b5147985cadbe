"""The ledgers (台账): the seed's columns, the unit's own records only, withdrawn records marked,
file counts, Excel files that print on A4, the monthly ledger, scope and the audit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Attachment
from zongzhi.office import ledgers
from zongzhi.office.models import OfficeAttachment, StaffMember
from zongzhi.units.models import Unit, User

from .ledger_factories import activity, document, meeting, work_log

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
TOWNSHIP = "320111003000"


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _month() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _get(client: Any, kind: str, unit: Unit, start: dt.date, end: dt.date) -> Any:
    return client.get(
        "/api/office/ledgers", {"kind": kind, "unit": unit.pk, "from": start.isoformat(), "to": end.isoformat()}
    )


def test_kinds_follow_the_seed() -> None:
    keys = list(ledgers.KINDS)
    assert keys[0] == "meetings"
    labels = [c.label for c in ledgers.KINDS["meetings"].columns]
    assert labels[:7] == ["会议类别", "会议名称", "时间", "地点", "参加人员", "会议主题", "会议内容"]
    doc_labels = [c.label for c in ledgers.KINDS["documents_plan"].columns]
    assert doc_labels[:6] == ["文件类别", "文号", "发文时间", "文件名称", "主题词", "描述"]
    # one ledger per document category, plus the received documents
    assert sum(1 for k in keys if k.startswith("documents_")) == 10
    assert {"activities", "work_logs", "decisions", "dispute_reports", "risks", "staff"} <= set(keys)


def test_meeting_ledger_shows_the_units_own_records_with_withdrawal_and_files(api: Any) -> None:
    village, township = _unit(VILLAGE), _unit(TOWNSHIP)
    officer = _user("village_officer")
    first, last = _month()
    kept = meeting(village, officer, first, name="一月例会", category="村两委会议")
    gone = meeting(
        village,
        officer,
        first,
        name="录错的会议",
        withdrawn_at=timezone.now(),
        withdrawn_by=officer,
        withdrawn_reason="重复录入",
    )
    meeting(township, _user("township_officer"), first, name="街道例会")  # not the village's
    meeting(village, officer, first - dt.timedelta(days=40), name="上上月例会")  # outside the period
    for i in range(2):
        a = Attachment.objects.create(
            kind="image", name=f"p{i}.jpg", content_type="image/jpeg", size=1, uploaded_by=officer
        )
        OfficeAttachment.objects.create(owner="meeting", owner_id=kept.pk, attachment=a)

    r = _get(api("village_officer"), "meetings", village, first, last)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "会议台账"
    assert body["unit"]["name"] == village.name
    assert [c["label"] for c in body["columns"]][:3] == ["会议类别", "会议名称", "时间"]
    names = [row["cells"][1] for row in body["rows"]]
    assert "一月例会" in names
    assert "录错的会议（已撤回：重复录入）" in names
    assert "街道例会" not in names and "上上月例会" not in names
    row = next(r for r in body["rows"] if r["id"] == kept.pk)
    assert row["cells"][0] == "村两委会议"
    assert row["cells"][-1] == "2张"
    assert row["link"] == f"/office/meetings?id={kept.pk}"
    assert next(r for r in body["rows"] if r["id"] == gone.pk)["withdrawn"] is True
    assert body["withdrawn"] == 1
    assert "不含下级单位" in body["scope_note"]


def test_township_reads_a_village_ledger_but_another_township_cannot(api: Any) -> None:
    village = _unit(VILLAGE)
    first, last = _month()
    activity(village, _user("village_officer"), first, name="村务公开")
    r = _get(api("township_officer"), "activities", village, first, last)
    assert r.status_code == 200
    assert [row["cells"][1] for row in r.json()["rows"]] == ["村务公开"]
    assert _get(api("township2_officer"), "activities", village, first, last).status_code == 404


def test_bad_kind_and_period_are_refused_in_chinese(api: Any) -> None:
    village = _unit(VILLAGE)
    client = api("village_officer")
    first, last = _month()
    r = _get(client, "nothing", village, first, last)
    assert r.status_code == 400 and r.json()["code"] == "unknown_ledger"
    r = _get(client, "meetings", village, last, first - dt.timedelta(days=1))
    assert r.status_code == 400 and r.json()["code"] == "invalid_period"
    assert "截止日期" in r.json()["message"] or r.json()["errors"]
    r = _get(client, "meetings", village, first - dt.timedelta(days=400), last)
    assert r.status_code == 400 and r.json()["code"] == "period_too_long"


def test_received_documents_show_signing_on_time_and_late(api: Any) -> None:
    village, township = _unit(VILLAGE), _unit(TOWNSHIP)
    first, last = _month()
    doc = document(township, _user("township_officer"), first, [village], number="沿综〔2026〕1号")
    row = doc.recipients.get()
    row.signed_at = row.sign_due_at + dt.timedelta(hours=3)
    row.save()
    body = _get(api("village_officer"), "documents_received", village, first, last).json()
    assert body["rows"][0]["cells"][0] == township.name
    assert body["rows"][0]["cells"][-1] == "超时签收"
    sent = _get(api("township_officer"), "documents_other", township, first, last).json()
    assert sent["rows"][0]["cells"][1] == "沿综〔2026〕1号"


def test_staff_roll_masks_phones_and_lists_grid_teams(api: Any) -> None:
    village = _unit(VILLAGE)
    grid = Unit.objects.filter(parent=village, level="grid").first()
    assert grid is not None
    head = StaffMember(unit=village, path=village.path, group="centre", name="周专干", post="专职副主任")
    head.phone = "13912345678"
    head.save()
    StaffMember.objects.create(unit=grid, path=grid.path, grid_role="head", name="网格长甲")
    first, last = _month()
    body = _get(api("village_officer"), "staff", village, first, last).json()
    cells = {row["cells"][2]: row["cells"] for row in body["rows"]}
    assert cells["周专干"][4] == "139****5678"
    assert "13912345678" not in str(body)
    assert cells["网格长甲"][0] == grid.name and cells["网格长甲"][1] == "网格长"


def test_excel_export_prints_on_a4_and_is_audited(api: Any) -> None:
    village = _unit(VILLAGE)
    first, last = _month()
    meeting(village, _user("village_officer"), first, name="导出测试例会")
    client = api("village_officer")
    r = client.get(
        "/api/office/ledgers/export",
        {"kind": "meetings", "unit": village.pk, "from": first.isoformat(), "to": last.isoformat()},
    )
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    assert ws["A1"].value == f"{village.name} 会议台账"
    assert first.isoformat() in ws["A2"].value
    assert [c.value for c in ws[3]][:2] == ["会议类别", "会议名称"]
    assert ws["B4"].value == "导出测试例会"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width
    assert "制表单位" in str(ws.cell(row=ws.max_row, column=1).value)
    event = AuditLog.objects.filter(action="office.ledger_exported", username="village_officer").latest("id")
    assert event.detail["kind"] == "meetings"


def test_monthly_ledger_bundles_every_kind_in_few_queries(api: Any) -> None:
    village = _unit(VILLAGE)
    officer = _user("village_officer")
    first, _last = _month()
    for i in range(5):
        meeting(village, officer, first, name=f"月度会议{i}")
        activity(village, officer, first, name=f"月度活动{i}")
        work_log(village, officer, first, title=f"日志{i}")
    client = api("village_officer")
    month = first.strftime("%Y-%m")
    with CaptureQueriesContext(connection) as queries:
        r = client.get("/api/office/ledgers/monthly", {"unit": village.pk, "month": month})
    assert r.status_code == 200
    body = r.json()
    assert [item["kind"] for item in body["ledgers"]] == list(ledgers.KINDS)
    counts = {item["kind"]: item["count"] for item in body["ledgers"]}
    assert counts["meetings"] == 5 and counts["activities"] == 5 and counts["work_logs"] == 5
    assert len(queries) < 3 * len(ledgers.KINDS) + 15  # a few per ledger, never one per row

    r = client.get("/api/office/ledgers/monthly/export", {"unit": village.pk, "month": month})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "封面"
    assert len(wb.sheetnames) == 1 + len(ledgers.KINDS)
    assert "文件台账（工作制度、预案）" in wb.sheetnames  # "/" is not allowed in a sheet's name
    cover = wb["封面"]
    assert cover["A1"].value == f"{village.name} {month} 月度台账"
    assert cover["B4"].value == "会议台账" and cover["C4"].value == 5
    assert AuditLog.objects.filter(action="office.ledger_exported", detail__kind="monthly").exists()


def test_monthly_ledger_refuses_a_bad_month(api: Any) -> None:
    r = api("village_officer").get("/api/office/ledgers/monthly", {"month": "2026-13"})
    assert r.status_code in (400, 422)
    assert r.json()["code"]


def test_reading_needs_records_read(api: Any) -> None:
    r = api("sysadmin").get("/api/office/ledgers/monthly", {"unit": _unit(VILLAGE).pk})
    assert r.status_code in (403, 404)


def test_decisions_reports_and_risks_show_their_state(api: Any) -> None:
    from zongzhi.office.models import DisputeReport, MeetingDecision, RiskAssessment

    village = _unit(VILLAGE)
    officer = _user("village_officer")
    first, last = _month()
    joint = meeting(village, officer, first, kind="joint", name="联席会议")
    MeetingDecision.objects.create(
        meeting=joint, seq=1, text="清理河道", holder_unit=village, due_on=first - dt.timedelta(days=1)
    )
    DisputeReport.objects.create(
        unit=village,
        path=village.path,
        period_kind="month",
        period_start=first,
        period_end=last,
        due_on=last,
        figures={"totals": {"total": 8, "resolved": 6, "in_progress": 1, "escalated": 1}, "resolution_rate": 0.75},
        status="submitted",
        submitted_at=timezone.now(),
        created_by=officer,
    )
    RiskAssessment.objects.create(
        unit=village, path=village.path, subject="project", title="拆迁评估", step="investigate", created_by=officer
    )
    client = api("village_officer")
    decision = _get(client, "decisions", village, first, last).json()["rows"][0]["cells"]
    assert decision[3] == "清理河道" and decision[-1] == "未转办（已超期）"
    report = _get(client, "dispute_reports", village, first, last).json()["rows"][0]["cells"]
    assert report[2:8] == ["8", "6", "1", "1", "75.0%", "已上报"]
    risk = _get(client, "risks", village, first, last).json()["rows"][0]["cells"]
    assert risk[0] == "拆迁评估" and risk[4] == "进行中（组织调查）"


@pytest.mark.parametrize("key", list(ledgers.KINDS))
def test_each_ledger_reads_in_the_same_queries_for_one_row_or_many(key: str) -> None:
    from zongzhi.office.models import MeetingDecision, RiskAssessment

    village, township = _unit(VILLAGE), _unit(TOWNSHIP)
    officer, sender = _user("village_officer"), _user("township_officer")
    first, last = _month()
    kind = ledgers.KINDS[key]
    category = key.removeprefix("documents_") if key.startswith("documents_") else "other"

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            m = meeting(village, officer, first, name=f"会{i}")
            MeetingDecision.objects.create(meeting=m, seq=1, text="事项", holder_unit=village, due_on=last)
            activity(village, officer, first, name=f"活{i}")
            work_log(village, officer, first, title=f"志{i}")
            document(township, sender, first, [village], title=f"文{i}")
            document(village, officer, first, [], title=f"存{i}", category=category)
            RiskAssessment.objects.create(
                unit=village, path=village.path, subject="matter", title=f"评{i}", created_by=officer
            )
            StaffMember.objects.create(unit=village, path=village.path, group="centre", name=f"人{i}")

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = kind.rows(village, first, last)
        return len(queries), len(rows)

    add(1, 0)
    one, few = count()
    add(6, 1)
    many, more = count()
    assert many == one <= 3
    assert more > few or key == "dispute_reports"  # the rows did grow (no dispute report made here)
