"""The rubric engine: the default rubric, the cap at the item's points, measures not yet
registered, hand scores (audited before/after), periods combined, rankings, scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.assess import services_rubric as engine
from zongzhi.assess.measures import MEASURES, Measure, Measured, Period, Run, Shortfall
from zongzhi.assess.models import ItemResult, Rubric, RubricItem, UnitScore
from zongzhi.core.errors import Forbidden, InvalidInput, NotFound, OutOfScope
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

YEAR = 2026
MARCH = dt.date(YEAR, 3, 1)


def _me(name: str) -> User:
    return User.objects.select_related("unit").get(username=name)


def _by_unit(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    """A measure whose deduction is given per unit code and month in its params: the test
    decides the figure, the engine does the rest."""
    table = params.get("deduct", {})
    d = float(table.get(f"{unit.code}:{period.start:%m}", table.get(unit.code, 0)))
    shortfalls = [Shortfall(text=f"缺少记录{i + 1}", link=f"/office/activities/{i + 1}") for i in range(int(d))]
    return Measured(value=f"少{d:g}条", deduction=d, shortfalls=shortfalls)


@pytest.fixture
def test_measure() -> Iterator[str]:
    MEASURES["test.by_unit"] = Measure("test.by_unit", "测试", "按单位给定的扣分", {"deduct": {}}, _by_unit)
    yield "test.by_unit"
    MEASURES.pop("test.by_unit", None)


def _year_rubric(unit: Unit) -> Rubric:
    return engine.copy_rubric(acting_user=_me("sysadmin"), unit=unit, year=YEAR)


def _only(r: Rubric, keep: dict[str, dict[str, Any]]) -> dict[str, RubricItem]:
    """Keep the items numbered in `keep` (with the given changes), retire the others."""
    out: dict[str, RubricItem] = {}
    for item in r.items.all():
        if item.number not in keep:
            RubricItem.objects.filter(pk=item.pk).update(is_active=False)
            continue
        changes = keep[item.number]
        out[item.number] = engine.save_item(
            acting_user=_me("sysadmin"),
            rubric=r,
            item=item,
            section=item.section,
            number=item.number,
            text=item.text,
            points=Decimal(str(changes.get("points", item.points))),
            measure=changes.get("measure", item.measure),
            params=changes.get("params", item.params),
        )
    return out


def test_the_default_rubric_is_seed_003_with_its_hundred_points() -> None:
    default = engine.default_rubric()
    sections = {s.name: sum(i.points for i in s.items.all()) for s in default.sections.all()}
    assert sections == {
        "基础建设": 14,
        "基础信息": 16,
        "日常办公": 12,
        "业务工作": 28,
        "实战应用": 27,
        "安全保密": 3,
    }
    measured = dict(default.items.exclude(measure="").values_list("number", "measure"))
    assert measured["7.3.1"] == "basic.service_categories" and measured["7.3.2"] == "basic.help_groups"
    assert measured["8.2.1"] == "office.document_signoff" and measured["11"] == "security.confidentiality"
    assert len(measured) == 16
    assert default.login_week_min == 3 and default.login_month_min == 12


def test_a_deduction_is_capped_at_the_items_points(unit: Any, test_measure: str) -> None:
    village, sibling = unit("320111003001"), unit("320111003002")
    items = _only(
        _year_rubric(unit("320111")),
        {"8.1": {"measure": test_measure, "params": {"deduct": {village.code: 7, sibling.code: 1.5}}}, "6.1": {}},
    )
    engine.score_units([village, sibling], MARCH)
    mine = ItemResult.objects.get(unit=village, month=MARCH, item=items["8.1"])
    assert mine.status == "computed" and mine.score == 0 and mine.deduction == 7 and mine.points == 5
    assert mine.shortfall_count == 7 and mine.shortfalls[0]["link"] == "/office/activities/1"
    theirs = ItemResult.objects.get(unit=sibling, month=MARCH, item=items["8.1"])
    assert theirs.score == Decimal("3.5")
    # 6.1 is a hand item not scored yet: counted as full points, flagged 未评分.
    assert UnitScore.objects.get(unit=village, month=MARCH).total == 2
    assert UnitScore.objects.get(unit=village, month=MARCH).unscored == 1


def test_an_unregistered_measure_is_waiting_and_left_to_hand_scoring(unit: Any) -> None:
    village = unit("320111003001")
    items = _only(_year_rubric(unit("320111")), {"8.1": {"measure": "nobody.wrote.this"}})
    engine.score_units([village], MARCH)
    row = ItemResult.objects.get(unit=village, month=MARCH, item=items["8.1"])
    assert row.status == "waiting" and row.score == 5 and "尚未启用" in row.note
    engine.set_hand_score(
        acting_user=_me("township_officer"), unit=village, item=items["8.1"], month=MARCH, score=Decimal("4")
    )
    row = ItemResult.objects.get(unit=village, month=MARCH, item=items["8.1"])
    assert row.status == "hand" and row.score == 4


def test_a_hand_score_is_audited_with_who_when_before_and_after(unit: Any, audit_since: Any) -> None:
    village = unit("320111003001")
    items = _only(_year_rubric(unit("320111")), {"10.1": {}})
    officer = _me("township_officer")
    engine.set_hand_score(
        acting_user=officer, unit=village, item=items["10.1"], month=MARCH, score=Decimal("8"), note="研判报告齐全"
    )
    engine.set_hand_score(
        acting_user=officer,
        unit=village,
        item=items["10.1"],
        month=MARCH,
        score=Decimal("6.5"),
        note="缺3月研判",
        evidence="3月督查记录",
    )
    entries = audit_since("assess.hand_scored")
    assert len(entries) == 2
    first, second = entries
    assert first.detail["before"] is None and first.detail["after"]["score"] == "8.00"
    assert second.username == "township_officer" and second.at is not None
    assert second.detail["before"] == {"score": "8.00", "note": "研判报告齐全", "evidence": ""}
    assert second.detail["after"] == {"score": "6.50", "note": "缺3月研判", "evidence": "3月督查记录"}
    assert UnitScore.objects.get(unit=village, month=MARCH).total == Decimal("6.5")
    from zongzhi.audit.services import action_label

    assert action_label("assess.hand_scored") == "人工评分"


def test_hand_scores_are_the_unit_aboves(unit: Any) -> None:
    village = unit("320111003001")
    items = _only(_year_rubric(unit("320111")), {"10.1": {}})
    with pytest.raises(Forbidden):  # a village does not score itself
        engine.set_hand_score(
            acting_user=_me("village_officer"), unit=village, item=items["10.1"], month=MARCH, score=Decimal(1)
        )
    with pytest.raises(OutOfScope):  # nor the next township another's village
        engine.set_hand_score(
            acting_user=_me("township2_officer"), unit=village, item=items["10.1"], month=MARCH, score=Decimal(1)
        )
    with pytest.raises(OutOfScope):  # nor a township itself
        engine.set_hand_score(
            acting_user=_me("township_officer"),
            unit=unit("320111003"),
            item=items["10.1"],
            month=MARCH,
            score=Decimal(1),
        )
    with pytest.raises(InvalidInput):  # above the item's points
        engine.set_hand_score(
            acting_user=_me("township_officer"), unit=village, item=items["10.1"], month=MARCH, score=Decimal(10)
        )


def test_a_quarter_is_the_mean_of_its_months(unit: Any, test_measure: str) -> None:
    village = unit("320111003001")
    deduct = {f"{village.code}:01": 1, f"{village.code}:02": 2, f"{village.code}:03": 4}
    _only(_year_rubric(unit("320111")), {"8.1": {"measure": test_measure, "params": {"deduct": deduct}}})
    for month in (dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 1), MARCH):
        engine.score_units([village], month)  # closed months: the monthly job's work
    sheet = engine.unit_sheet(
        acting_user=_me("village_officer"), unit=village, period=engine.period_of("quarter", MARCH)
    )
    assert sheet.months == [dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 1), MARCH]
    # (4 + 3 + 1) / 3
    assert sheet.total == Decimal("2.67")
    line = sheet.sections[2].items[0]
    assert line.item.number == "8.1" and line.deduction == 7 and line.shortfall_count == 7
    drill = engine.item_shortfalls(
        acting_user=_me("village_officer"), unit=village, item=line.item, period=sheet.period
    )
    assert [len(m.shortfalls) for m in drill] == [1, 2, 4]


def test_siblings_are_ranked_equal_totals_sharing_a_rank(unit: Any, test_measure: str) -> None:
    township = unit("320111003")
    children = engine.assessed_children(township)
    assert len(children) >= 3
    a, b, c = children[0], children[1], children[2]
    deduct = {u.code: 3 for u in children} | {a.code: 2, b.code: 0.5, c.code: 2}
    _only(_year_rubric(unit("320111")), {"8.1": {"measure": test_measure, "params": {"deduct": deduct}}})
    engine.score_units(children, MARCH)
    result = engine.ranking(acting_user=_me("township_officer"), parent=township, period=engine.month_period(MARCH))
    ranks = {line.unit.pk: (line.rank, line.total) for line in result.lines}
    assert ranks[b.pk][0] == 1 and ranks[a.pk][0] == ranks[c.pk][0] == 2
    assert ranks[a.pk][1] == 3
    assert len(result.lines) == len(children)


def test_a_township_with_its_own_rules_scores_its_villages_by_them(unit: Any, test_measure: str) -> None:
    village, township = unit("320111003001"), unit("320111003")
    _only(_year_rubric(unit("320111")), {"6.1": {}})
    User.objects.filter(username="township_officer")
    own = Rubric.objects.create(unit=township, path=township.path, year=YEAR, title="沿江街道细则")
    assert engine.rubric_for(village, YEAR) == own
    assert engine.rubric_for(unit("320111004001"), YEAR).unit == unit("320111")
    assert engine.rubric_for(village, 2030) == engine.default_rubric()


def test_a_village_sees_its_own_sheet_never_a_siblings(unit: Any) -> None:
    period = engine.month_period(MARCH)
    own = engine.unit_sheet(acting_user=_me("village_officer"), unit=unit("320111003001"), period=period)
    assert own.points == 100
    with pytest.raises(NotFound):
        engine.unit_sheet(acting_user=_me("village_officer"), unit=unit("320111003002"), period=period)
    with pytest.raises(NotFound):
        engine.ranking(acting_user=_me("village_officer"), parent=unit("320111003"), period=period)
    with pytest.raises(NotFound):
        engine.ranking(acting_user=_me("township2_officer"), parent=unit("320111003"), period=period)


def test_only_the_rubrics_unit_edits_it_and_never_the_default(unit: Any) -> None:
    with pytest.raises(Forbidden):
        engine.copy_rubric(acting_user=_me("county_officer"), unit=unit("320111"), year=YEAR)
    r = _year_rubric(unit("320111"))
    assert r.items.count() == engine.default_rubric().items.count()
    with pytest.raises(InvalidInput):
        _year_rubric(unit("320111"))
    with pytest.raises(Forbidden):
        engine.update_rubric(
            acting_user=_me("sysadmin"), rubric=engine.default_rubric(), title="x", login_week_min=1, login_month_min=1
        )
    # next year's copy is last year's, with its changes
    engine.update_rubric(acting_user=_me("sysadmin"), rubric=r, title=r.title, login_week_min=4, login_month_min=14)
    nxt = engine.copy_rubric(acting_user=_me("sysadmin"), unit=unit("320111"), year=YEAR + 1)
    assert nxt.login_week_min == 4 and nxt.items.count() == r.items.count()


def test_the_monthly_job_scores_last_month_once_and_refreshes_this_one(unit: Any) -> None:
    today = dt.date.today()
    done = engine.monthly_job(today)
    n = len(engine.all_assessed_units())
    assert done == {"last": n, "current": n}
    assert engine.monthly_job(today) == {"last": 0, "current": 0}


# ---------------------------------------------------------------- through the API


def test_township_scores_a_village_by_hand_through_the_api_and_reads_the_audit(
    api: Any, unit: Any, audit_since: Any
) -> None:
    village = unit("320111003001")
    month = dt.date.today().replace(day=1)
    item = engine.default_rubric().items.get(number="6.1")
    township = api("township_officer")
    r = township.get("/api/assess/hand", {"unit": unit("320111003").pk, "month": month.isoformat()})
    assert r.status_code == 200 and r.json()["can_score"] is True
    cell = next(c for c in r.json()["cells"] if c["unit_id"] == village.pk and c["item_id"] == item.pk)
    assert cell["status"] == "unscored" and cell["score"] is None
    body = {"unit_id": village.pk, "item_id": item.pk, "month": month.isoformat(), "score": "1.5", "note": "专人未明确"}
    r = township.put("/api/assess/hand", body | {"evidence": "督查记录第3号"})
    assert r.status_code == 200, r.json()
    r = township.put("/api/assess/hand", body | {"score": "2"})
    assert r.status_code == 200
    entries = audit_since("assess.hand_scored")
    assert [e.username for e in entries] == ["township_officer", "township_officer"]
    assert entries[1].detail["before"]["score"] == "1.50" and entries[1].detail["after"]["score"] == "2.00"
    assert entries[1].object_path == village.path
    sheet = api("village_officer").get("/api/assess/scores/sheet", {"period": "month"}).json()
    line = next(i for s in sheet["sections"] for i in s["items"] if i["id"] == item.pk)
    assert line["status"] == "hand" and line["score"] == "2.00"
    # the village cannot score itself
    r = api("village_officer").put("/api/assess/hand", body)
    assert r.status_code == 403


def test_ranking_through_the_api_lists_the_township_villages_only(api: Any, unit: Any) -> None:
    township = unit("320111003")
    r = api("township_officer").get("/api/assess/scores/ranking", {"unit": township.pk, "period": "quarter"})
    assert r.status_code == 200
    data = r.json()
    assert {line["unit"]["id"] for line in data["lines"]} == {u.pk for u in engine.assessed_children(township)}
    assert [s["points"] for s in data["sections"]] == ["14.00", "16.00", "12.00", "28.00", "27.00", "3.00"]
    assert api("village_officer").get("/api/assess/scores/ranking", {"unit": township.pk}).status_code == 404


def test_an_item_s_drill_down_lists_the_records_behind_it(api: Any, unit: Any, test_measure: str) -> None:
    village = unit("320111003001")
    items = _only(
        _year_rubric(unit("320111")), {"8.1": {"measure": test_measure, "params": {"deduct": {village.code: 2}}}}
    )
    engine.score_units([village], MARCH)
    r = api("township_officer").get(
        "/api/assess/scores/shortfalls",
        {"unit": village.pk, "item": items["8.1"].pk, "period": "month", "date": MARCH.isoformat()},
    )
    assert r.status_code == 200
    month = r.json()["months"][0]
    assert month["deduction"] == "2.00" and [s["link"] for s in month["shortfalls"]] == [
        "/office/activities/1",
        "/office/activities/2",
    ]


def test_the_configure_page_copies_and_edits_a_years_rubric(api: Any, unit: Any) -> None:
    admin = api("sysadmin")
    r = admin.post("/api/assess/rubrics", {"unit_id": unit("320111").pk, "year": YEAR})
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["points"] == "100.00" and data["editable"] is True
    item = next(i for i in data["items"] if i["number"] == "8.1")
    body = {k: item[k] for k in ("section_id", "number", "text", "measure", "params")} | {"points": "6"}
    r = admin.put(f"/api/assess/rubrics/{data['id']}/items/{item['id']}", body)
    assert r.status_code == 400 and r.json()["code"] == "over_total"  # 101 points: refused
    r = admin.put(f"/api/assess/rubrics/{data['id']}/items/{item['id']}", body | {"points": "4"})
    assert r.status_code == 200 and r.json()["points"] == "99.00"
    r = admin.patch(
        f"/api/assess/rubrics/{data['id']}", {"title": "2026年度细则", "login_week_min": 4, "login_month_min": 15}
    )
    assert r.status_code == 200 and r.json()["login_week_min"] == 4
    assert (
        api("county_officer")
        .patch(f"/api/assess/rubrics/{data['id']}", {"title": "x", "login_week_min": 1, "login_month_min": 1})
        .status_code
        == 403
    )
    default_id = next(x["id"] for x in admin.get("/api/assess/rubrics").json() if x["is_default"])
    assert (
        admin.patch(
            f"/api/assess/rubrics/{default_id}", {"title": "x", "login_week_min": 1, "login_month_min": 1}
        ).status_code
        == 403
    )


def test_a_closed_month_is_not_scored_on_a_read_it_says_not_computed_until_recomputed(
    api: Any, unit: Any, test_measure: str
) -> None:
    township, village = unit("320111003"), unit("320111003001")
    deduct = {village.code: 2}
    _only(_year_rubric(unit("320111")), {"8.1": {"measure": test_measure, "params": {"deduct": deduct}}})
    client = api("township_officer")
    march = {"unit": township.pk, "period": "month", "date": MARCH.isoformat()}
    r = client.get("/api/assess/scores/ranking", march)
    assert r.status_code == 200 and r.json()["lines"] == [] and r.json()["missing_months"] == [MARCH.isoformat()]
    sheet = client.get("/api/assess/scores/sheet", {**march, "unit": village.pk}).json()
    assert sheet["missing_months"] == [MARCH.isoformat()] and sheet["computed_at"] is None
    assert not UnitScore.objects.filter(month=MARCH).exists()
    # the current month is scored on the read
    this_month = timezone.localdate().replace(day=1)
    r = client.get("/api/assess/scores/ranking", {"unit": township.pk, "period": "month"})
    assert r.json()["missing_months"] == [] and len(r.json()["lines"]) == len(engine.assessed_children(township))
    assert UnitScore.objects.filter(month=this_month, unit=village).exists()
    # 重新计算 scores the closed month; the pages then read it
    r = client.post("/api/assess/scores/recompute", {"unit_id": township.pk, "month": MARCH.isoformat()})
    assert r.status_code == 200
    data = client.get("/api/assess/scores/ranking", march).json()
    assert data["missing_months"] == [] and any(line["deducted"] == "2.00" for line in data["lines"])


def test_a_period_long_past_or_to_come_is_refused_and_nothing_is_scored_for_it(api: Any, unit: Any) -> None:
    township = unit("320111003")
    before = UnitScore.objects.count()
    client = api("township_officer")
    for period, day in (
        ("year", "9999-12-31"),
        ("quarter", "9999-12-31"),
        ("year", "1950-06-01"),
        ("month", "2999-01-01"),
    ):
        r = client.get("/api/assess/scores/ranking", {"unit": township.pk, "period": period, "date": day})
        assert r.status_code == 400 and r.json()["code"] == "invalid_period", (period, day, r.content[:200])
        r = client.get("/api/assess/scores/sheet", {"unit": unit("320111003001").pk, "period": period, "date": day})
        assert r.status_code == 400, (period, day)
    next_month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    r = client.post("/api/assess/scores/recompute", {"unit_id": township.pk, "month": next_month.isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "invalid_period"
    assert UnitScore.objects.count() == before


def test_only_the_unit_directly_above_scores_by_hand_and_only_assessed_units(api: Any, unit: Any) -> None:
    item = engine.default_rubric().items.get(number="6.1")
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1).isoformat()

    def body(code: str) -> dict[str, Any]:
        return {"unit_id": unit(code).pk, "item_id": item.pk, "month": month, "score": "1", "note": "抽查"}

    r = api("township_officer").put("/api/assess/hand", body("320111003001001"))  # a grid
    assert r.status_code == 400 and r.json()["code"] == "not_assessed"
    r = api("county_officer").put("/api/assess/hand", body("320111003001"))  # a village: its township scores it
    assert r.status_code == 403
    assert api("township_officer").put("/api/assess/hand", body("320111003001")).status_code == 200


def test_a_rubric_never_totals_more_than_100_points(api: Any, unit: Any) -> None:
    county = unit("320111")
    sysadmin = User.objects.get(username="sysadmin")
    rubric = engine.copy_rubric(acting_user=sysadmin, unit=county, year=2027)
    item = rubric.items.filter(is_active=True).first()
    with pytest.raises(InvalidInput) as e:
        engine.save_item(
            acting_user=sysadmin,
            rubric=rubric,
            item=item,
            section=item.section,
            number=item.number,
            text=item.text,
            points=item.points + 60,
            measure=item.measure,
            params=item.params,
        )
    assert e.value.code == "over_total"
    # lowering one item leaves room for another
    engine.save_item(
        acting_user=sysadmin,
        rubric=rubric,
        item=item,
        section=item.section,
        number=item.number,
        text=item.text,
        points=item.points - 1,
        measure=item.measure,
        params=item.params,
    )
    engine.save_item(
        acting_user=sysadmin,
        rubric=rubric,
        item=None,
        section=item.section,
        number="99",
        text="新增项目",
        points=Decimal(1),
        measure="",
        params={},
    )
