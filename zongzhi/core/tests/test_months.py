"""One month module (core/months.py): every page that takes `?month=YYYY-MM` answers a
malformed month and a month out of range (before 2000-01, after the current month) alike: 400,
code `invalid_month`, a Chinese message; the assessment's periods share the bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import (
    add_months,
    check_month,
    month_end,
    month_key,
    month_of,
    month_range,
    next_month,
    parse_month,
    previous_month,
    this_month,
)


def test_month_arithmetic_crosses_years() -> None:
    assert next_month(dt.date(2025, 12, 1)) == dt.date(2026, 1, 1)
    assert previous_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)
    assert add_months(dt.date(2026, 3, 1), -15) == dt.date(2024, 12, 1)
    assert add_months(dt.date(2026, 3, 17), 24) == dt.date(2028, 3, 1)
    assert month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)
    assert month_end(dt.date(2025, 12, 31)) == dt.date(2025, 12, 31)
    assert month_key(dt.date(2026, 3, 9)) == "2026-03"


def test_a_moment_belongs_to_its_local_month() -> None:
    # 2026-01-31 20:00 UTC is 2026-02-01 04:00 in Shanghai (the site's time zone)
    moment = dt.datetime(2026, 1, 31, 20, tzinfo=dt.UTC)
    assert month_of(moment) == dt.date(2026, 2, 1)
    start, end = month_range(dt.date(2026, 2, 14))
    assert timezone.localtime(start).replace(tzinfo=None) == dt.datetime(2026, 2, 1)
    assert timezone.localtime(end).replace(tzinfo=None) == dt.datetime(2026, 3, 1)
    assert start <= moment < end


def test_parse_takes_exactly_year_dash_month_from_2000_to_now() -> None:
    assert parse_month(None) == this_month()
    assert parse_month("") == this_month()
    assert parse_month("", default=dt.date(2020, 5, 1)) == dt.date(2020, 5, 1)
    assert parse_month("2000-01") == dt.date(2000, 1, 1)
    assert parse_month(month_key(this_month())) == this_month()


@pytest.mark.parametrize(
    "value",
    [
        "2026-13",
        "2026-1",
        "2026-00",
        "26-01",
        "2026/01",
        " 2026-01",
        "2026-01\n",
        "2026-01-01",
        "٢٠٢٦-٠١",
        "1999-12",
        "0000-01",
        "9999-12",
    ],
)
def test_parse_refuses_anything_else(value: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_month(value)
    assert exc.value.code == "invalid_month"
    assert exc.value.errors[0]["field"] == "month"


def test_a_month_to_come_is_refused_naming_the_allowed_range() -> None:
    nxt = next_month(this_month())
    with pytest.raises(InvalidInput) as exc:
        parse_month(month_key(nxt))
    now = this_month()
    assert exc.value.code == "invalid_month"
    assert str(exc.value.message) == f"月份应在2000年1月至{now.year}年{now.month}月之间"
    with pytest.raises(InvalidInput) as exc:
        check_month(nxt, field="date", code="invalid_period")
    assert exc.value.code == "invalid_period" and exc.value.errors[0]["field"] == "date"


# --- every family of endpoints answers alike ---------------------------------------------------

GETS = [
    ("township_officer", "/api/stats/cases"),
    ("township_officer", "/api/stats/dashboard"),
    ("township_officer", "/api/stats/analysis"),
    ("township_officer", "/api/cases/stats"),
    ("township_officer", "/api/alerts/stats"),
    ("township_officer", "/api/field/must-do/completion/month"),
    ("township_officer", "/api/field/duty/month"),
    ("village_officer", "/api/office/ledgers/monthly"),
    ("village_officer", "/api/office/calendar"),
]


def _bad_months() -> list[str]:
    return ["2026-13", "2026-1", f"{month_key(this_month())}\n", month_key(next_month(this_month())), "1999-12"]


@pytest.mark.django_db
def test_every_page_answers_a_bad_month_the_same(api: Any) -> None:
    for value in _bad_months():
        answers = set()
        for who, path in GETS:
            r = api(who).get(path, {"month": value})
            answers.add((r.status_code, r.json().get("code"), r.json().get("message")))
        r = api("township_officer").post("/api/assess/bulletins", {"month": value})
        answers.add((r.status_code, r.json().get("code"), r.json().get("message")))
        assert len(answers) == 1, (value, answers)
        status, code, _message = answers.pop()
        assert (status, code) == (400, "invalid_month"), value


@pytest.mark.django_db
def test_every_page_takes_the_current_month(api: Any) -> None:
    for who, path in GETS:
        r = api(who).get(path, {"month": month_key(this_month())})
        assert r.status_code == 200, (path, r.content[:200])


@pytest.mark.django_db
def test_the_assessment_periods_share_the_bounds(api: Any, unit: Any) -> None:
    client = api("township_officer")
    township = unit("320111003")
    for day in (next_month(this_month()).isoformat(), "1999-12-31"):
        r = client.get("/api/assess/scores/ranking", {"unit": township.pk, "period": "quarter", "date": day})
        assert r.status_code == 400 and r.json()["code"] == "invalid_period", day
        assert "2000年1月至" in r.json()["message"]
    r = client.get("/api/assess/scores/ranking", {"unit": township.pk, "period": "month", "date": "2000-01-15"})
    assert r.status_code == 200


def test_pages_taking_a_date_for_their_month_refuse_the_far_ends(api: Any, unit: Any) -> None:
    """A month given as a date (activities' monthly table, document receipts, hand scores,
    information lapses) is held to the same bounds: year 1 and year 9999 are a 400, not a 500."""
    township = unit("320111003").pk
    pages = [
        ("/api/office/activities/monthly", {"unit": township}),
        ("/api/office/documents/receipts", {"unit": township}),
        ("/api/assess/hand", {"unit": township}),
        ("/api/alerts/reports/lapses", {"unit": township}),
    ]
    for path, params in pages:
        for day in ("0001-01-01", "9999-12-31"):
            r = api("township_officer").get(path, {**params, "month": day})
            assert r.status_code == 400 and r.json()["code"] == "invalid_month", (path, day, r.content[:200])
        r = api("township_officer").get(path, {**params, "month": this_month().isoformat()})
        assert r.status_code == 200, (path, r.content[:200])
