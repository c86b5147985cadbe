"""The monthly analysis report (研判报告): its figures, its scope, and the .docx for the leader."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from zongzhi.assess.tests.measures_factories import G1, T, get, last_month, listing, run, visit
from zongzhi.cases.models import Case
from zongzhi.core.changes import changed
from zongzhi.people.tests.test_residents import id_number
from zongzhi.stats.docx_analysis import DEFAULT_TEMPLATE
from zongzhi.stats.rollups import refresh
from zongzhi.stats.services_analysis import Month
from zongzhi.units.demo import GRID_1, GRID_2

pytestmark = pytest.mark.django_db

THIS = Month(timezone.localdate().year, timezone.localdate().month)


def _inside(grid: Any) -> dict[str, float]:
    """A position in the middle of the grid (the demo's grids are rectangles)."""
    ring = grid.boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return {"latitude": (min(lats) + max(lats)) / 2, "longitude": (min(lngs) + max(lngs)) / 2}


def _event(api: Any, unit: Any, title: str, category: str, *, grid: str = GRID_1, **extra: Any) -> int:
    """An event reported by the village officer at a position inside `grid`."""
    r = api("village_officer").post(
        "/api/cases",
        {
            "kind": "event",
            "title": title,
            "category_code": category,
            **_inside(unit(grid)),
            "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            **extra,
        },
    )
    assert r.status_code == 201, r.json()
    return int(r.json()["case"]["id"])


def _months_ago(case_id: int, months: int) -> None:
    """Move a case reported through the engine back into an earlier month (its 10th, noon)."""
    m = THIS.shift(-months)
    case = Case.objects.get(pk=case_id)
    moved = timezone.make_aware(dt.datetime(m.year, m.month, 10, 12))
    Case.objects.filter(pk=case_id).update(created_at=moved)
    changed("case", [(case.path, case.created_at), (case.path, moved)])  # as the case engine does


def _resident(api: Any, unit: Any, seq: str, name: str) -> int:
    r = api("village_officer").post(
        "/api/registry/residents",
        {"kind": "registered", "name": name, "id_number": id_number(seq=seq), "unit_id": unit(GRID_1).pk},
    )
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


def _report(api: Any, who: str, **params: Any) -> Any:
    refresh()  # the 10-second rollup job
    return api(who).get("/api/stats/analysis", params)


def test_trend_counts_each_month_by_category_and_compares_with_last_month(api: Any, unit: Any) -> None:
    for title, category in [("邻里纠纷一", "0102"), ("邻里纠纷二", "0102"), ("消防通道堵塞", "0301")]:
        _event(api, unit, title, category)
    _months_ago(_event(api, unit, "上月的婚姻家庭纠纷", "0101"), 1)
    _months_ago(_event(api, unit, "去年的治安乱点", "0201"), 12)
    r = _report(api, "township_officer", unit=unit("320111003").pk, month=THIS.key)
    assert r.status_code == 200, r.json()
    rep = r.json()
    assert rep["summary"]["total"] == 3 and rep["summary"]["previous"] == 1 and rep["summary"]["change"] == 2.0
    assert rep["summary"]["disputes"] == 2
    assert len(rep["trend"]) == 12 and rep["trend"][-1]["month"] == THIS.key
    codes = [s["code"] for s in rep["series"]]
    last, before = rep["trend"][-1], rep["trend"][-2]
    assert last["total"] == 3 and last["counts"][codes.index("01")] == 2 and last["counts"][codes.index("03")] == 1
    assert before["total"] == 1 and before["counts"][codes.index("01")] == 1
    # the case of a year ago is just outside the twelve months, but is the same month last year
    assert sum(t["total"] for t in rep["trend"]) == 4
    # by top-level category, as the dashboard counts them
    rows = {row["label"]: row for row in rep["by_category"]}
    assert rows["矛盾纠纷"]["count"] == 2 and rows["矛盾纠纷"]["previous"] == 1
    assert rows["治安隐患"]["last_year"] == 1 and rows["治安隐患"]["count"] == 0
    assert rep["findings"][0].startswith(f"{THIS.label}，沿江街道共受理各类办件3件，环比上升200.0%")
    prevent = {row["label"]: row for row in rep["preventable"]["rows"]}
    assert prevent["消防安全隐患"]["count"] == 1 and prevent["治安乱点"]["last_year"] == 1
    assert rep["preventable"]["total"] == 1
    assert "邻里纠纷" not in prevent  # disputes are not preventable cases by default


def test_preventable_categories_are_a_setting(api: Any, unit: Any, settings: Any) -> None:
    settings.PREVENTABLE_CATEGORIES = ["0102"]
    _event(api, unit, "邻里纠纷", "0102")
    _event(api, unit, "消防通道堵塞", "0301")
    rep = _report(api, "village_officer").json()
    assert [(r["label"], r["count"]) for r in rep["preventable"]["rows"]] == [("邻里纠纷", 1)]
    assert rep["preventable"]["categories"] == [{"code": "0102", "label": "邻里纠纷"}]


def test_hotspots_are_grids_and_places_with_repeated_disputes(api: Any, unit: Any) -> None:
    _event(api, unit, "纠纷一", "0102", address="江畔花园3栋")
    _months_ago(_event(api, unit, "纠纷二", "0108", address="江畔花园3栋"), 2)
    _months_ago(_event(api, unit, "太早的纠纷", "0108", address="江畔花园3栋"), 3)  # outside the 3 months
    _event(api, unit, "只此一件", "0102", grid=GRID_2, address="冯墙小学门口")
    _event(api, unit, "不是纠纷", "0301", grid=GRID_2, address="冯墙小学门口")
    hot = _report(api, "village_officer").json()["hotspots"]
    assert [(g["name"], g["month"], g["total"]) for g in hot["grids"]] == [(unit(GRID_1).name, 1, 2)]
    assert [(p["address"], p["month"], p["total"]) for p in hot["places"]] == [("江畔花园3栋", 1, 2)]
    assert hot["window"] == f"{THIS.shift(-2).label}至{THIS.label}"


def test_repeated_parties_show_masked_names_and_never_id_numbers(api: Any, unit: Any) -> None:
    often = _resident(api, unit, "601", "钱多多")
    once = _resident(api, unit, "602", "孙一次")
    _event(api, unit, "纠纷一", "0102", parties=[{"resident_id": often, "role": "申请人"}])
    _months_ago(
        _event(api, unit, "纠纷二", "0103", parties=[{"resident_id": often}, {"resident_id": once}]),
        1,
    )
    r = _report(api, "township_officer", unit=unit("320111003001").pk)
    parties = r.json()["repeated_parties"]
    assert [(p["name"], p["month"], p["total"]) for p in parties] == [("钱**", 1, 2)]
    assert len(parties[0]["cases"]) == 2
    assert "钱多多" not in r.content.decode() and id_number(seq="601") not in r.content.decode()


def test_key_persons_not_visited_are_those_the_rubric_charges(api: Any, unit: Any) -> None:
    """The report's 重点人员未走访 and the rubric's 服务对象走访服务 read one rule (people.visits):
    the same month and unit name the same people, with the same missed visits."""
    last = THIS.shift(-1)
    period = last_month()
    s = period.start
    g1 = get(G1)
    listing(g1, "03", name="周未访", listed_on=s - dt.timedelta(days=45), every=30)
    late = listing(g1, "02", name="郑晚访", listed_on=s - dt.timedelta(days=3), every=7)
    visit(late, s + dt.timedelta(days=2))  # due s+4: on time
    visit(late, s + dt.timedelta(days=13))  # due s+9: missed, 4 days late
    on_time = listing(g1, "01", name="吴已访", listed_on=s - dt.timedelta(days=20), every=30)
    visit(on_time, s + dt.timedelta(days=5))
    listing(g1, "01", group="care", name="王关怀", listed_on=s - dt.timedelta(days=40), every=30)  # not a key person
    kp = _report(api, "township_officer", unit=unit("320111003").pk, month=last.key).json()["key_persons"]
    measured = run("work.visits", get(T), period)
    charged = [sf.link for sf in measured.shortfalls if "重点人员" in sf.text]
    assert kp["missed"] == len(charged) == 2
    assert {r["name"] for r in kp["rows"]} == {"周**", "郑**"}
    row = next(r for r in kp["rows"] if r["name"] == "郑**")
    assert row["due"] == (s + dt.timedelta(days=9)).isoformat() and row["days_overdue"] == 4
    assert row["last_visit"] == (s + dt.timedelta(days=13)).isoformat()
    first = next(r for r in kp["rows"] if r["name"] == "周**")
    assert first["last_visit"] is None and first["due"] == (s + dt.timedelta(days=15)).isoformat()
    # a department user reads the report but not who the key persons are
    assert _report(api, "dept_police").json()["key_persons"] is None


def test_a_village_never_sees_a_sibling_report(api: Any, unit: Any, officer: Any, audit_since: Any) -> None:
    _event(api, unit, "冯墙社区的纠纷", "0102")
    sibling = officer("village2_officer", "320111003002")
    r = sibling.get("/api/stats/analysis", {"unit": unit("320111003001").pk})
    assert r.status_code == 404 and set(r.json()) == {"code", "message"}
    assert audit_since("scope.denied")
    assert sibling.get("/api/stats/analysis/docx", {"unit": unit("320111003001").pk}).status_code == 404
    own = sibling.get("/api/stats/analysis").json()
    assert own["unit"]["code"] == "320111003002" and own["summary"]["total"] == 0
    # nor the township next door; the county reads it
    assert _report(api, "township2_officer", unit=unit("320111003001").pk).status_code == 404
    assert _report(api, "county_officer", unit=unit("320111003001").pk).json()["summary"]["total"] == 1


def test_the_month_is_checked(api: Any) -> None:
    r = _report(api, "village_officer", month="2026-13")
    assert r.status_code == 400 and r.json()["code"] == "invalid_month"
    r = _report(api, "village_officer", month=THIS.shift(1).key)
    assert r.status_code == 400 and r.json()["code"] == "invalid_month"


def test_the_leader_downloads_the_report_as_a_word_document(api: Any, unit: Any, audit_since: Any) -> None:
    _event(api, unit, "纠纷一", "0102", address="江畔花园3栋")
    _event(api, unit, "纠纷二", "0102", address="江畔花园3栋")
    refresh()
    r = api("leader").get("/api/stats/analysis/docx", {"unit": unit("320111003").pk, "month": THIS.key})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"沿江街道{THIS.label}社会治安形势分析研判报告" in text
    assert "共受理各类办件2件" in text and "可防性案件" in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["江畔花园3栋", "2", "2"] in cells and ["矛盾纠纷", "2", "0", "—", "0"] in cells
    assert "{{" not in text and not any("{%" in c for row in cells for c in row)
    event = audit_since("analysis.report_downloaded")[-1]
    assert event.username == "leader" and event.detail["month"] == THIS.key


def test_an_administrator_replaces_the_template(api: Any, audit_since: Any) -> None:
    client = api("sysadmin")
    bad = client.client.post(
        "/api/stats/analysis/template",
        {"file": SimpleUploadedFile("a.docx", b"not a zip")},
        headers=client._headers(),
    )
    assert bad.status_code == 400 and bad.json()["code"] == "template_not_docx"
    doc = Document(str(DEFAULT_TEMPLATE))
    doc.add_paragraph("本报告仅供领导参阅")
    out = io.BytesIO()
    doc.save(out)
    r = client.client.post(
        "/api/stats/analysis/template",
        {"file": SimpleUploadedFile("mine.docx", out.getvalue())},
        headers=client._headers(),
    )
    assert r.status_code == 200, r.json()
    assert r.json()["custom"] is True and audit_since("analysis.template_uploaded")
    word = api("village_officer").get("/api/stats/analysis/docx")
    assert "本报告仅供领导参阅" in "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert api("village_officer").get("/api/stats/analysis/template").status_code == 403
