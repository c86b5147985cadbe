"""The alerts statistics against hand-counted data: timeliness, categories, warnings by level,
acknowledgement times, zero-report completeness; the export and the query count.

The rows are written directly: the reports, warnings and zero-report services are built in
parallel by other parts; these tests pin what the statistics read from the models."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zongzhi.alerts import stats
from zongzhi.alerts.models import (
    EarlyWarning,
    InfoLapse,
    InformationReport,
    SensitivePeriod,
    WarningRecipient,
    ZeroReport,
)
from zongzhi.audit.models import AuditLog
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db
MONTH = "2026-11"


def _t(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def _report(unit: Unit, category: str, at: dt.datetime, reporter: Unit | None = None) -> InformationReport:
    return InformationReport.objects.create(
        title="测试信息",
        description="内容",
        category_code=category,
        source="grid_worker",
        learned_at=at,
        created_at=at,
        path=unit.path,
        reporter_unit=reporter or unit,
        holder_unit=unit,
    )


def _lapse(unit: Unit, kind: str, report: InformationReport | None = None, withdrawn: bool = False) -> None:
    InfoLapse.objects.create(
        unit=unit,
        path=unit.path,
        kind=kind,
        month=dt.date(2026, 11, 1),
        report=report,
        withdrawn_at=_t(20) if withdrawn else None,
    )


@pytest.fixture
def data(unit: Any) -> dict[str, Unit]:
    county, yj, jp = unit("320111000000"), unit("320111003000"), unit("320111004000")
    village = unit("320111003001")
    sender = User.objects.get(username="county_officer")
    # 沿江: three reports in the month, one flagged late (another's flag withdrawn); a missing and
    # a concealed report recorded against the township. One October report does not count.
    late = _report(village, "07", _t(3))
    withdrawn = _report(village, "07", _t(4))
    _report(village, "11", _t(5))
    _report(village, "07", _t(30, month=10))
    _lapse(village, "late", late)
    _lapse(village, "late", withdrawn, withdrawn=True)
    _lapse(yj, "missing")
    _lapse(yj, "concealed")
    # 江浦: one report, on time.
    _report(jp, "99", _t(6))
    # A red warning from the county to both townships and the village; a blue one from 沿江.
    red = EarlyWarning.objects.create(
        title="红色预警",
        body="内容",
        level="red",
        path=county.path,
        sender_unit=county,
        sender_user=sender,
        created_at=_t(2),
    )
    for u, acked, due in (
        (yj, _t(2, 12), _t(2, 11)),  # 2 hours, late
        (jp, _t(2, 10, 30), _t(2, 11)),  # half an hour
        (village, None, _t(2, 11)),  # never: overdue
    ):
        WarningRecipient.objects.create(
            warning=red,
            unit=u,
            path=u.path,
            level="red",
            ack_due_at=due,
            acknowledged_at=acked,
            status="acknowledged" if acked else "pending",
        )
    EarlyWarning.objects.create(
        title="蓝色预警", body="内容", level="blue", path=yj.path, sender_unit=yj, sender_user=sender, created_at=_t(8)
    )
    # Zero reports: 沿江 itself for the month; the village counts by its report. 江浦 in a
    # sensitive period (10–12 Nov) reported daily on two of the three days.
    ZeroReport.objects.create(
        unit=yj, path=yj.path, period_kind="monthly", period_start=dt.date(2026, 11, 1), reported_by=sender
    )
    SensitivePeriod.objects.create(
        name="进博会",
        unit=jp,
        path=jp.path,
        starts_on=dt.date(2026, 11, 10),
        ends_on=dt.date(2026, 11, 12),
        created_by=sender,
    )
    for d in (10, 11):
        ZeroReport.objects.create(
            unit=jp, path=jp.path, period_kind="daily", period_start=dt.date(2026, 11, d), reported_by=sender
        )
    return {"county": county, "yj": yj, "jp": jp}


def _row(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(r for r in rows if r["unit"]["code"] == code)


def _owing(code: str) -> int:
    return Unit.objects.filter(path__startswith=code[:9], is_retired=False).exclude(level="grid").count()


def test_the_county_sees_each_township_figures(api: Any, data: dict[str, Unit]) -> None:
    r = api("county_officer").get("/api/alerts/stats", {"unit": data["county"].pk, "month": MONTH})
    assert r.status_code == 200
    body = r.json()
    t = {row["unit"]["code"]: row for row in body["timeliness"]}
    assert len(t) == Unit.objects.filter(parent=data["county"], is_retired=False).count()
    yj, jp = t["320111003000"], t["320111004000"]
    assert (yj["reports"], yj["on_time"], yj["late"], yj["missing"], yj["concealed"]) == (3, 2, 1, 1, 1)
    assert yj["rate"] == 0.5
    assert (jp["reports"], jp["on_time"], jp["rate"]) == (1, 1, 1.0)
    assert t["320111001000"]["rate"] is None  # nothing owed, nothing to rate
    cats = body["categories"]
    assert [c["code"] for c in cats["columns"]] == ["07", "11", "99"]
    assert _row(cats["rows"], "320111003000")["counts"] == [2, 1, 0]
    w = _row(body["warnings"], "320111003000")
    assert w["issued"] == {"red": 0, "yellow": 0, "blue": 1, "total": 1}
    assert w["received"] == {"red": 2, "yellow": 0, "blue": 0, "total": 2}
    ack = _row(body["acknowledgements"], "320111003000")
    assert (ack["recipients"], ack["acknowledged"], ack["pending"], ack["overdue"]) == (2, 1, 1, 2)
    assert ack["median_hours"] == 2.0 and ack["average_hours"] == 2.0
    ack_jp = _row(body["acknowledgements"], "320111004000")
    assert (ack_jp["acknowledged"], ack_jp["median_hours"], ack_jp["overdue"]) == (1, 0.5, 0)
    zero_yj = _row(body["zero_reports"], "320111003000")
    assert zero_yj["units"] == _owing("320111003") and zero_yj["months_reported"] == 2
    assert zero_yj["days_owed"] == 0
    zero_jp = _row(body["zero_reports"], "320111004000")
    # Every unit of 江浦 owes three days; only the township reported, on two of them (and
    # counts for the month by its information report).
    assert zero_jp["days_owed"] == 3 * _owing("320111004") and zero_jp["days_reported"] == 2
    assert zero_jp["months_reported"] == 1


def test_a_township_sees_its_villages_and_not_the_next_township(api: Any, data: dict[str, Unit]) -> None:
    r = api("township_officer").get("/api/alerts/stats", {"month": MONTH})
    rows = r.json()["timeliness"]
    assert {row["unit"]["code"][:9] for row in rows} == {"320111003"}
    village = _row(rows, "320111003001")
    assert (village["reports"], village["late"]) == (3, 1)
    other = api("township2_officer").get("/api/alerts/stats", {"unit": data["yj"].pk, "month": MONTH})
    assert other.status_code == 404
    bad = api("township_officer").get("/api/alerts/stats", {"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_month"


def test_the_export_opens_and_has_the_figures(api: Any, data: dict[str, Unit]) -> None:
    r = api("county_officer").get("/api/alerts/stats/export", {"unit": data["county"].pk, "month": MONTH})
    assert r.status_code == 200 and "alerts-stats-320111000000-2026-11.xlsx" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["报送及时性", "信息类别", "预警", "预警签收", "零报告"]
    rows = {row[0]: row for row in wb["报送及时性"].iter_rows(min_row=3, values_only=True)}
    assert rows["沿江街道"][1:] == (3, 2, 1, 1, 1, "50.0%")
    acks = {row[0]: row for row in wb["预警签收"].iter_rows(min_row=3, values_only=True)}
    assert acks["江浦街道"][5] == 0.5
    event = AuditLog.objects.filter(action="alerts.stats_exported").latest("id")
    assert event.username == "county_officer" and event.detail == {"month": MONTH}


def test_the_query_count_does_not_grow_with_the_units(data: dict[str, Unit], unit: Any) -> None:
    yj = unit("320111003000")
    stats.monthly(data["county"], dt.date(2026, 11, 1))  # labels cached
    with CaptureQueriesContext(connection) as county:
        stats.monthly(data["county"], dt.date(2026, 11, 1))
    with CaptureQueriesContext(connection) as township:
        stats.monthly(yj, dt.date(2026, 11, 1))
    assert Unit.objects.filter(parent=data["county"]).count() > 5
    assert (
        len(county.captured_queries) == len(township.captured_queries) == 12
    )  # the row units, 6 topics' aggregates, 5 for zero reports
