"""The daily must-do list (每日必办): generation per kind, idempotency, tick-off by data for each
kind, manual ticks, completion within scope, the rules, and a constant query count."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zongzhi.alerts.models import EarlyWarning, SensitivePeriod
from zongzhi.calendar import workdays
from zongzhi.cases.models import Case
from zongzhi.field import services_mustdo as services
from zongzhi.field.models import MustDoItem, MustDoRule
from zongzhi.office.models import Document, DocumentRecipient, Patrol, PatrolRoute
from zongzhi.people.models import PersonCategory
from zongzhi.people.tests.test_residents import id_number
from zongzhi.units.demo import GRID_1, GRID_2
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

M = "/api/field/must-do"
PLACES = "/api/registry/places"
MENTAL = {
    "group": "key",
    "category_code": "03",
    "risk_level": 1,
    "details": {"diagnosis": "精神分裂症", "guardian_name": "孙某", "guardian_phone": "13900001111"},
}


def _worker() -> User:
    return User.objects.get(username="grid_worker")


def _today() -> dt.date:
    return timezone.localdate()


def _listed(api: Any, unit: Any, seq: str = "601", due_in: int = 0) -> int:
    r = api("village_officer").post(
        "/api/registry/residents",
        {"kind": "registered", "name": "孙某某", "id_number": id_number(seq=seq), "unit_id": unit(GRID_1).pk},
    )
    assert r.status_code == 201, r.json()
    r = api("village_officer").post(f"/api/registry/residents/{r.json()['id']}/categories", MENTAL)
    assert r.status_code == 201, r.json()
    cid = int(r.json()["id"])
    PersonCategory.objects.filter(pk=cid).update(next_visit_on=_today() + dt.timedelta(days=due_in))
    return cid


def _facility(api: Any, unit: Any, name: str = "冯墙路口探头") -> int:
    r = api("village_officer").post(
        f"{PLACES}/facilities", {"name": name, "unit_id": unit(GRID_1).pk, "extra": {"kind_code": "01"}}
    )
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


def _case(unit: Any, title: str = "楼道堆物") -> Case:
    grid = unit(GRID_1)
    return Case.objects.create(
        kind="event", title=title, status="in_progress", path=grid.path, initiator_unit=grid, holder_unit=grid
    )


def _warning(unit: Any, village: str = "320111003001") -> EarlyWarning:
    """A warning the township sends to a village (the grid worker's, by default)."""
    from zongzhi.alerts.services_warnings import NewWarning, issue_warning

    return issue_warning(
        acting_user=User.objects.get(username="township_officer"),
        data=NewWarning(title="节前矛盾纠纷预警", body="注意排查", level="yellow", unit_ids=[unit(village).pk]),
    )


def _document(unit: Any) -> DocumentRecipient:
    sender = unit("320111003001")
    now = timezone.now()
    d = Document.objects.create(
        path=sender.path,
        sender_unit=sender,
        sender_user=User.objects.get(username="village_officer"),
        kind="notice",
        issuer_label="冯墙社区通知",
        year=now.year,
        issued_on=now.date(),
        title="关于开展安全检查的通知",
        recipient_count=1,
    )
    grid = unit(GRID_1)
    return DocumentRecipient.objects.create(document=d, unit=grid, sign_due_at=now + dt.timedelta(days=1))


def _route(unit: Any, day: dt.date) -> PatrolRoute:
    grid = unit(GRID_1)
    route = PatrolRoute.objects.create(
        path=grid.path,
        unit=grid,
        name="冯墙夜巡线",
        weekdays=str(day.isoweekday()),
        created_by=User.objects.get(username="village_officer"),
    )
    route.members.add(_worker())
    return route


def _items(day: dt.date | None = None, kind: str | None = None) -> list[MustDoItem]:
    qs = MustDoItem.objects.filter(worker=_worker(), day=day or _today())
    return list(qs.filter(kind=kind) if kind else qs)


def _mine(api: Any, day: dt.date | None = None) -> dict[str, Any]:
    r = api("grid_worker").get(f"{M}/mine", {"day": (day or _today()).isoformat()})
    assert r.status_code == 200, r.json()
    return dict(r.json())


def _by_kind(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [i for i in body["items"] if i["kind"] == kind]


# --- generation -------------------------------------------------------------------------------


def test_visits_due_within_lead_days_and_overdue_are_listed_masked(api: Any, unit: Any) -> None:
    overdue = _listed(api, unit, "601", due_in=-2)
    soon = _listed(api, unit, "602", due_in=3)
    later = _listed(api, unit, "603", due_in=4)
    elsewhere = _listed(api, unit, "604", due_in=0)
    PersonCategory.objects.filter(pk=elsewhere).update(path="320111003002001")  # not the worker's grid
    services.generate_day(_today(), [_worker()])
    refs = {i.ref_id: i for i in _items(kind="visit")}
    assert overdue in refs and soon in refs
    assert later not in refs and elsewhere not in refs
    assert refs[overdue].title == "走访孙**" and "已逾期2天" in refs[overdue].detail
    assert refs[overdue].path == GRID_1


def test_each_kind_is_generated_from_its_own_data(api: Any, unit: Any) -> None:
    day = _today()
    fac = _facility(api, unit)
    case = _case(unit)
    warning = _warning(unit)
    doc = _document(unit)
    route = _route(unit, day)
    services.generate_day(day, [_worker()])
    kinds = {(i.kind, i.ref_id) for i in _items()}
    assert ("inspection", fac) in kinds
    assert ("case", case.pk) in kinds
    assert ("warning", warning.pk) in kinds
    assert ("document", doc.pk) in kinds
    assert ("zero_report", 0) in kinds
    assert (("patrol", route.pk) in kinds) == workdays.is_workday(day)


def test_patrol_only_on_a_working_day_of_its_weekdays(api: Any, unit: Any) -> None:
    day = _today()
    while not workdays.is_workday(day):
        day += dt.timedelta(days=1)
    route = _route(unit, day)
    services.generate_day(day, [_worker()])
    assert [i.ref_id for i in _items(day, "patrol")] == [route.pk]
    other = day + dt.timedelta(days=1)
    while other.isoweekday() == day.isoweekday():
        other += dt.timedelta(days=1)
    services.generate_day(other, [_worker()])
    assert _items(other, "patrol") == []


def test_generation_is_idempotent_and_adds_only_what_is_new(api: Any, unit: Any) -> None:
    _listed(api, unit, "611")
    first = services.generate_day(_today(), [_worker()])
    n = len(_items())
    assert first.created == n > 0
    again = services.generate_day(_today(), [_worker()])
    assert again.created == 0 and len(_items()) == n
    _case(unit, "新的事件")
    third = services.generate_day(_today(), [_worker()])
    assert third.created == 1 and len(_items()) == n + 1


def test_a_disabled_rule_leaves_its_kind_off_and_lead_days_widen_the_window(api: Any, unit: Any) -> None:
    cid = _listed(api, unit, "621", due_in=5)
    MustDoRule.objects.filter(kind="zero_report").update(enabled=False)
    services.generate_day(_today(), [_worker()])
    assert _items(kind="zero_report") == []
    assert cid not in [i.ref_id for i in _items(kind="visit")]
    MustDoRule.objects.filter(kind="visit").update(lead_days=5)
    services.generate_day(_today(), [_worker()])
    assert cid in [i.ref_id for i in _items(kind="visit")]


def test_only_grid_workers_get_lists(api: Any, unit: Any) -> None:
    result = services.generate_day(_today())
    ids = set(MustDoItem.objects.filter(day=_today()).values_list("worker_id", flat=True))
    assert User.objects.get(username="village_officer").pk not in ids
    assert result.workers >= 1


# --- tick-off by data ------------------------------------------------------------------------


def test_the_list_opened_before_the_job_is_generated_then(api: Any, unit: Any) -> None:
    _listed(api, unit, "631")
    assert _items() == []
    body = _mine(api)
    assert body["total"] == len(_items()) > 0
    assert body["worker"]["name"] == "张伟"


def test_a_recorded_visit_ticks_its_item(api: Any, unit: Any) -> None:
    cid = _listed(api, unit, "641")
    body = _mine(api)
    assert [i["done"] for i in _by_kind(body, "visit") if i["ref_id"] == cid] == [False]
    r = api("grid_worker").post(
        f"/api/registry/categories/{cid}/visits",
        {"visited_on": _today().isoformat(), "method": "home", "content": "上门走访，情绪稳定，服药规律。"},
    )
    assert r.status_code == 201, r.json()
    item = next(i for i in _by_kind(_mine(api), "visit") if i["ref_id"] == cid)
    assert item["done"] and item["done_how"] == "data"
    assert MustDoItem.objects.get(pk=item["id"]).done_at is not None  # persisted


def test_an_inspection_saved_this_month_ticks_its_item(api: Any, unit: Any) -> None:
    fac = _facility(api, unit)
    assert not next(i for i in _by_kind(_mine(api), "inspection") if i["ref_id"] == fac)["done"]
    r = api("grid_worker").post(
        f"{PLACES}/facilities/{fac}/inspections",
        {"inspected_on": _today().isoformat(), "result": "normal", "note": "画面清晰"},
    )
    assert r.status_code == 201, r.json()
    assert next(i for i in _by_kind(_mine(api), "inspection") if i["ref_id"] == fac)["done"]


def test_a_case_that_left_the_workers_hands_ticks_its_item(api: Any, unit: Any) -> None:
    case = _case(unit)
    assert not _by_kind(_mine(api), "case")[0]["done"]
    Case.objects.filter(pk=case.pk).update(status="awaiting_confirmation", holder_unit=unit("320111003001"))
    assert _by_kind(_mine(api), "case")[0]["done"]


def test_an_acknowledged_warning_ticks_its_item(api: Any, unit: Any) -> None:
    w = _warning(unit)
    [item] = _by_kind(_mine(api), "warning")
    assert item["ref_id"] == w.pk and not item["done"] and "待签收" in item["detail"]
    r = api("grid_worker").post(f"/api/alerts/warnings/{w.pk}/acknowledge", {})
    assert r.status_code == 200, r.json()
    assert _by_kind(_mine(api), "warning")[0]["done"]


def test_the_villages_warning_ticks_off_when_its_officer_acknowledges(api: Any, unit: Any) -> None:
    w = _warning(unit)
    assert not _by_kind(_mine(api), "warning")[0]["done"]
    r = api("village_officer").post(f"/api/alerts/warnings/{w.pk}/acknowledge", {})
    assert r.status_code == 200, r.json()
    [item] = _by_kind(_mine(api), "warning")
    assert item["done"]
    assert MustDoItem.objects.get(pk=item["id"]).done_how == "data"
    # acknowledged before the morning: tomorrow's list has no item for it
    services.generate_day(_today() + dt.timedelta(days=1), [_worker()])
    assert _items(_today() + dt.timedelta(days=1), "warning") == []


def test_another_villages_warning_is_not_on_the_list(api: Any, unit: Any) -> None:
    _warning(unit, "320111003002")
    assert _by_kind(_mine(api), "warning") == []


def test_a_filed_zero_report_ticks_its_item(api: Any, unit: Any) -> None:
    assert not _by_kind(_mine(api), "zero_report")[0]["done"]
    r = api("grid_worker").post("/api/alerts/zero/reports", {})
    assert r.status_code == 201, r.json()
    assert _by_kind(_mine(api), "zero_report")[0]["done"]
    # filed: tomorrow's list in the same month has no zero report item
    services.generate_day(_today() + dt.timedelta(days=1), [_worker()]) if _today().day < 28 else None
    if _today().day < 28:
        assert _items(_today() + dt.timedelta(days=1), "zero_report") == []


def test_inside_a_sensitive_period_the_days_report_is_owed(api: Any, unit: Any) -> None:
    county = unit("320111000000")
    SensitivePeriod.objects.create(
        path=county.path,
        unit=county,
        name="全国两会",
        starts_on=_today(),
        ends_on=_today() + dt.timedelta(days=3),
        created_by=User.objects.get(username="county_officer"),
    )
    item = _by_kind(_mine(api), "zero_report")[0]
    assert "敏感期日报" in item["detail"] and item["due_on"] == _today().isoformat()


def test_a_signed_document_and_an_ended_patrol_tick_their_items(api: Any, unit: Any) -> None:
    doc = _document(unit)
    day = _today()
    route = _route(unit, day)
    _mine(api)
    DocumentRecipient.objects.filter(pk=doc.pk).update(signed_at=timezone.now())
    grid = unit(GRID_1)
    Patrol.objects.create(
        path=grid.path, route=route, unit=grid, worker=_worker(), started_at=timezone.now(), ended_at=timezone.now()
    )
    body = _mine(api)
    assert _by_kind(body, "document")[0]["done"]
    if workdays.is_workday(day):
        assert _by_kind(body, "patrol")[0]["done"]


def test_generation_ticks_off_what_is_already_done(api: Any, unit: Any) -> None:
    cid = _listed(api, unit, "651")
    api("grid_worker").post(
        f"/api/registry/categories/{cid}/visits",
        {"visited_on": _today().isoformat(), "method": "phone", "content": "电话联系，一切正常，近期无异常。"},
    )
    # the visit moved the next date on: re-listed by hand to be due again today
    PersonCategory.objects.filter(pk=cid).update(next_visit_on=_today())
    result = services.generate_day(_today(), [_worker()])
    assert result.done >= 1
    assert next(i for i in _items(kind="visit") if i.ref_id == cid).done_how == "data"


# --- manual ticks ------------------------------------------------------------------------------


def test_a_document_is_ticked_by_hand_with_a_note_once(api: Any, unit: Any, audit_since: Any) -> None:
    _document(unit)
    item = _by_kind(_mine(api), "document")[0]
    worker = api("grid_worker")
    r = worker.post(f"{M}/items/{item['id']}/tick", {"note": "  "})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "note"
    cid = str(uuid.uuid4())
    r = worker.post(f"{M}/items/{item['id']}/tick", {"note": "已阅，待社区电脑签收", "client_id": cid})
    assert r.status_code == 200 and r.json()["done"] and r.json()["done_how"] == "manual"
    again = worker.post(f"{M}/items/{item['id']}/tick", {"note": "已阅，待社区电脑签收", "client_id": cid})
    assert again.status_code == 200 and again.json()["done_at"] == r.json()["done_at"]
    assert len(audit_since("field.mustdo_ticked")) == 1


def test_items_the_data_tells_cannot_be_ticked_by_hand(api: Any, unit: Any) -> None:
    _listed(api, unit, "661")
    item = _by_kind(_mine(api), "visit")[0]
    r = api("grid_worker").post(f"{M}/items/{item['id']}/tick", {"note": "去过了"})
    assert r.status_code == 409 and r.json()["code"] == "mustdo_done_by_data"


def test_only_the_worker_ticks_their_own_items(api: Any, unit: Any, audit_since: Any) -> None:
    _document(unit)
    item = _by_kind(_mine(api), "document")[0]
    r = api("village_officer").post(f"{M}/items/{item['id']}/tick", {"note": "代勾"})
    assert r.status_code == 404
    assert audit_since("scope.denied")
    assert not MustDoItem.objects.get(pk=item["id"]).done_at


# --- completion and scope ------------------------------------------------------------------------


def test_the_township_sees_each_workers_and_grids_completion(api: Any, unit: Any) -> None:
    _document(unit)
    _listed(api, unit, "671")
    body = _mine(api)
    doc = _by_kind(body, "document")[0]
    api("grid_worker").post(f"{M}/items/{doc['id']}/tick", {"note": "已阅"})
    r = api("township_officer").get(f"{M}/completion", {"unit": unit("320111003000").pk})
    assert r.status_code == 200, r.json()
    c = r.json()
    me = next(w for w in c["workers"] if w["name"] == "张伟")
    assert me["done"] == 1 and me["total"] == body["total"]
    assert me["percent"] == round(100 / body["total"])
    grid = next(g for g in c["grids"] if g["path"] == GRID_1)
    assert grid["total"] >= 2 and grid["done"] >= 1
    assert {g["path"] for g in c["grids"]} >= {GRID_1, GRID_2}
    assert c["idle"] == []
    month = api("township_officer").get(f"{M}/completion/month", {"unit": unit("320111003000").pk}).json()
    row = next(w for w in month["workers"] if w["name"] == "张伟")
    assert row["days"] == [{"day": _today().isoformat(), "done": 1, "total": body["total"], "percent": me["percent"]}]
    # the worker's list, opened from the board
    r = api("township_officer").get(f"{M}/workers/{_worker().pk}", {"day": _today().isoformat()})
    assert r.status_code == 200 and r.json()["total"] == body["total"]


def test_a_worker_who_has_done_nothing_is_named(api: Any, unit: Any) -> None:
    _listed(api, unit, "681")
    _mine(api)
    c = api("village_officer").get(f"{M}/completion").json()
    assert [w["name"] for w in c["idle"]] == ["张伟"]


def test_a_township_sees_only_its_own_villages(api: Any, unit: Any, audit_since: Any) -> None:
    _listed(api, unit, "691")
    _mine(api)
    other = api("township2_officer")
    r = other.get(f"{M}/completion", {"unit": unit("320111003000").pk})
    assert r.status_code == 404
    r = other.get(f"{M}/workers/{_worker().pk}")
    assert r.status_code == 404
    assert audit_since("scope.denied")
    own = other.get(f"{M}/completion").json()
    assert all(w["name"] != "张伟" for w in own["workers"])
    assert own["total"] == 0


# --- rules ---------------------------------------------------------------------------------------


def test_the_administrator_edits_a_rule_audited(api: Any, audit_since: Any) -> None:
    admin = api("sysadmin")
    rules = admin.get(f"{M}/rules").json()
    assert [r["kind"] for r in rules][:2] == ["visit", "inspection"]
    r = admin.put(f"{M}/rules/visit", {"enabled": True, "lead_days": 99, "note": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lead_days"
    r = admin.put(f"{M}/rules/visit", {"enabled": True, "lead_days": 7, "note": "提前一周"})
    assert r.status_code == 200 and r.json()["lead_days"] == 7
    assert audit_since("field.mustdo_rule_updated")[-1].detail["after"]["lead_days"] == 7
    assert api("township_officer").put(f"{M}/rules/visit", {"enabled": False, "lead_days": 0}).status_code == 403


# --- speed ---------------------------------------------------------------------------------------


def _query_count(api: Any) -> int:
    client = api("grid_worker")
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"{M}/mine")
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_the_workers_list_costs_the_same_queries_however_many_items(api: Any, unit: Any) -> None:
    _listed(api, unit, "701")
    _facility(api, unit, "探头一")
    _case(unit, "事件一")
    _mine(api)
    MustDoItem.objects.filter(worker=_worker()).update(done_at=None, done_how="")
    small = _query_count(api)
    for n in range(5):
        _listed(api, unit, f"71{n}")
        _facility(api, unit, f"探头{n + 2}")
        _case(unit, f"事件{n + 2}")
    services.generate_day(_today(), [_worker()])
    MustDoItem.objects.filter(worker=_worker()).update(done_at=None, done_how="")
    assert len(_items()) >= 18
    assert _query_count(api) == small


# Opening the list: the session and roles (2), the worker with their grids (2), the rules (1),
# one read per kind generated (7, three of them the zero report's), the write (1), the list (1),
# one tick-off pass over it (one read per kind present: visits, inspections, cases; the zero
# report's facts are those generation read) and the write of what it found done (1).
# Measured 33 before the repeated tick-off pass and the repeated reads were dropped.
MINE_MAX_QUERIES = 19


def test_opening_the_list_ticks_off_once(api: Any, unit: Any, django_assert_max_num_queries: Any) -> None:
    cid = _listed(api, unit, "741")
    _facility(api, unit, "探头甲")
    _case(unit, "事件甲")
    client = api("grid_worker")
    assert client.get(f"{M}/mine").status_code == 200
    r = client.post(
        f"/api/registry/categories/{cid}/visits",
        {"visited_on": _today().isoformat(), "method": "home", "content": "上门走访，情绪稳定，服药规律。"},
    )
    assert r.status_code == 201, r.json()
    with django_assert_max_num_queries(MINE_MAX_QUERIES):
        r = client.get(f"{M}/mine")
    assert r.status_code == 200
    body = r.json()
    assert {i["kind"] for i in body["items"]} >= {"visit", "inspection", "case", "zero_report"}
    # the visit recorded since the morning's list shows done by the one tick-off pass
    assert [i["done"] for i in _by_kind(body, "visit") if i["ref_id"] == cid] == [True]


def test_generation_for_many_workers_makes_no_query_per_worker(api: Any, unit: Any) -> None:
    grid = unit(GRID_1)
    from zongzhi.units.models import Role

    role = Role.objects.get(code="grid_worker")
    for n in range(3):
        u = User.objects.create(username=f"gw_extra{n}", full_name=f"网格员{n}", unit=grid)
        u.roles.add(role)
        u.capture_scope.add(grid)
    _listed(api, unit, "721")
    services.generate_day(_today())  # warms the process caches (code labels, calendar)
    MustDoItem.objects.filter(day=_today()).delete()
    with CaptureQueriesContext(connection) as few:
        services.generate_day(_today())
    MustDoItem.objects.filter(day=_today()).delete()  # the same day again, from scratch
    for n in range(3, 10):
        u = User.objects.create(username=f"gw_extra{n}", full_name=f"网格员{n}", unit=grid)
        u.roles.add(role)
        u.capture_scope.add(grid)
    with CaptureQueriesContext(connection) as many:
        services.generate_day(_today())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Unit.objects.filter(path=GRID_1).exists()


# --- the morning job --------------------------------------------------------------------------


def test_the_morning_job_generates_once_on_a_working_day_from_six(api: Any, unit: Any) -> None:
    from django.core.cache import cache

    day = _today()
    while not workdays.is_workday(day):
        day += dt.timedelta(days=1)
    cache.delete(f"zongzhi:mustdo:generated:{day.isoformat()}")
    tz = timezone.get_current_timezone()
    _listed(api, unit, "731", due_in=(day - _today()).days)
    assert services.morning_job(dt.datetime.combine(day, dt.time(5, 30), tzinfo=tz)) is None
    assert _items(day) == []
    first = services.morning_job(dt.datetime.combine(day, dt.time(6, 10), tzinfo=tz))
    assert first is not None and first.created == len(_items(day)) > 0
    assert services.morning_job(dt.datetime.combine(day, dt.time(6, 20), tzinfo=tz)) is None
    cache.delete(f"zongzhi:mustdo:generated:{day.isoformat()}")


def test_the_demo_writes_a_month_of_lists_once(api: Any, unit: Any) -> None:
    from zongzhi.field import demo_mustdo

    _listed(api, unit, "741", due_in=-40)
    _document(unit)
    counts = demo_mustdo.load()
    assert counts["mustdo_items"] > 0
    days = set(MustDoItem.objects.filter(worker=_worker()).values_list("day", flat=True))
    assert _today() in days and len(days) >= demo_mustdo.HISTORY_WORKING_DAYS
    past = MustDoItem.objects.filter(worker=_worker(), day__lt=_today())
    assert past.filter(done_at__isnull=False).exists()
    assert demo_mustdo.load() == {"mustdo_items": 0}
