"""Key persons and care recipients: listing, their own fields, visits, due lists, on-time share."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from zongzhi.people.models import PersonCategory, Visit
from zongzhi.units.demo import GRID_1

from .test_residents import id_number

pytestmark = pytest.mark.django_db


def _resident(api: Any, unit: Any, seq: str = "501", name: str = "孙某某") -> int:
    r = api("village_officer").post(
        "/api/registry/residents",
        {"kind": "registered", "name": name, "id_number": id_number(seq=seq), "unit_id": unit(GRID_1).pk},
    )
    assert r.status_code == 201, r.json()
    return int(r.json()["id"])


MENTAL = {
    "group": "key",
    "category_code": "03",
    "risk_level": 3,
    "details": {"diagnosis": "精神分裂症", "guardian_name": "孙某", "guardian_phone": "13900001111"},
    "team": [{"name": "张伟", "role": "网格员"}, {"name": "李医生", "role": "精防医生"}],
}


def _list(api: Any, rid: int, body: dict[str, Any], who: str = "village_officer") -> Any:
    return api(who).post(f"/api/registry/residents/{rid}/categories", body)


def test_a_person_with_a_severe_mental_disorder_is_listed_with_risk_level_and_guardian(
    api: Any, unit: Any, audit_since: Any
) -> None:
    rid = _resident(api, unit)
    r = _list(api, rid, {**MENTAL, "risk_level": None})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "risk_level"
    r = _list(api, rid, {**MENTAL, "details": {"diagnosis": ""}})
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"details.diagnosis", "details.guardian_name"}

    r = _list(api, rid, MENTAL)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["category_label"] == "严重精神障碍患者" and body["visit_every_days"] == 14  # risk 3: fortnightly
    assert body["next_visit_on"] == (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    assert body["details"]["guardian_phone"] == "139****1111"
    assert [m["name"] for m in body["team"]] == ["张伟", "李医生"]
    # the guardian's phone is sealed at rest, and revealed only on request, audited
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM registry_personcategory WHERE id = %s", [body["id"]])
        assert "13900001111" not in str(cursor.fetchone()[0])
    r = api("village_officer").post(f"/api/registry/categories/{body['id']}/reveal", {"field": "guardian_phone"})
    assert r.json()["value"] == "13900001111"
    assert audit_since("pii.unmask")[-1].detail["field"] == "guardian_phone"
    # an edit that sends the masked value back keeps the stored number
    r = api("village_officer").put(
        f"/api/registry/categories/{body['id']}", {**MENTAL, "risk_level": 1, "details": body["details"]}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["visit_every_days"] == 30
    r = api("village_officer").post(f"/api/registry/categories/{body['id']}/reveal", {"field": "guardian_phone"})
    assert r.json()["value"] == "13900001111"
    # listed once per category
    assert _list(api, rid, MENTAL).status_code == 409


def test_special_population_data_needs_its_own_right(api: Any, unit: Any) -> None:
    rid = _resident(api, unit)
    assert _list(api, rid, MENTAL).status_code == 201
    assert api("village_officer").get(f"/api/registry/residents/{rid}").json()["categories"][0]["category_code"] == "03"
    # a department user reads residents in scope but not who is a key person
    police = api("dept_police")
    detail = police.get(f"/api/registry/residents/{rid}")
    assert detail.status_code == 200
    assert detail.json()["categories"] == [] and detail.json()["categories_hidden"] is True
    assert police.get("/api/registry/categories", {"group": "key"}).status_code == 403


def test_the_grid_worker_records_a_visit_and_the_due_list_moves_on(api: Any, unit: Any) -> None:
    rid = _resident(api, unit)
    listed = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    cid = _list(api, rid, {**MENTAL, "listed_on": listed, "risk_level": 1}).json()["id"]
    PersonCategory.objects.filter(pk=cid).update(next_visit_on=timezone.localdate() - dt.timedelta(days=3))

    worker = api("grid_worker")
    due = worker.get("/api/registry/categories", {"group": "key", "due": "overdue"}).json()["items"]
    assert [(c["id"], c["days_left"]) for c in due] == [(cid, -3)]
    assert worker.get("/api/registry/categories/total", {"group": "key", "due": "overdue"}).json() == {
        "count": 1,
        "capped": False,
    }

    bad = worker.post(
        f"/api/registry/categories/{cid}/visits",
        {"visited_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(), "method": "home", "content": "短"},
    )
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"visited_on", "content"}

    client_id = str(uuid.uuid4())
    visit = {
        "visited_on": timezone.localdate().isoformat(),
        "method": "home",
        "content": "上门走访，服药规律，情绪稳定，监护人在家。",
        "client_id": client_id,
    }
    r = worker.post(f"/api/registry/categories/{cid}/visits", visit)
    assert r.status_code == 201, r.json()
    assert r.json()["next_visit_on"] == (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    again = worker.post(f"/api/registry/categories/{cid}/visits", visit)  # the offline queue resends
    assert again.status_code == 200 and again.json()["visit"]["id"] == r.json()["visit"]["id"]
    assert Visit.objects.filter(category_id=cid).count() == 1
    assert worker.get("/api/registry/categories", {"group": "key", "due": "overdue"}).json()["items"] == []
    assert worker.get("/api/registry/categories/total", {"group": "key", "due": "overdue"}).json()["count"] == 0
    assert worker.get("/api/registry/categories/total", {"group": "key"}).json()["count"] >= 1
    detail = worker.get(f"/api/registry/categories/{cid}").json()
    assert detail["visit_count"] == 1 and detail["visits"][0]["visitor_name"] == "张伟"


def test_on_time_share_per_unit(api: Any, unit: Any) -> None:
    late = _list(api, _resident(api, unit, "601", "甲"), {**MENTAL, "risk_level": 0}).json()["id"]
    _list(
        api,
        _resident(api, unit, "602", "乙"),
        {"group": "key", "category_code": "99", "details": {"description": "其他"}},
    )
    PersonCategory.objects.filter(pk=late).update(next_visit_on=timezone.localdate() - dt.timedelta(days=1))
    township = unit("320111003000")
    r = api("township_officer").get("/api/registry/service-stats", {"group": "key", "unit": township.pk})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["total"], body["on_time"], body["overdue"], body["share"]) == (2, 1, 1, 0.5)
    village = next(row for row in body["rows"] if row["unit"]["code"] == "320111003001")
    assert (village["total"], village["share"]) == (2, 0.5)
    assert all(row["total"] == 0 and row["share"] is None for row in body["rows"] if row is not village)
    # out of scope
    other = unit("320111004000")
    assert api("township_officer").get("/api/registry/service-stats", {"unit": other.pk}).status_code == 404


def test_care_recipients_and_retiring_a_listing(api: Any, unit: Any, audit_since: Any) -> None:
    rid = _resident(api, unit)
    r = _list(api, rid, {"group": "care", "category_code": "01", "details": {"allowance_type": "城市"}})
    assert r.status_code == 400 and "城市低保" in r.json()["message"]
    r = _list(
        api,
        rid,
        {"group": "care", "category_code": "01", "details": {"allowance_type": "城市低保", "monthly_amount": "800"}},
    )
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    assert r.json()["visit_every_days"] == 90 and r.json()["details"]["monthly_amount"] == 800
    r = api("village_officer").post(f"/api/registry/categories/{cid}/retire", {"reason": "收入超过低保标准"})
    assert r.status_code == 200 and r.json()["is_retired"]
    assert audit_since("category.retired")[0].detail == {"reason": "收入超过低保标准"}
    assert api("village_officer").get("/api/registry/categories", {"group": "care"}).json()["items"] == []
    assert PersonCategory.objects.filter(pk=cid).exists()


def test_category_specs_describe_every_code(api: Any) -> None:
    specs = api("grid_worker").get("/api/registry/category-specs").json()
    by_key = {(s["group"], s["code"]): s for s in specs}
    assert by_key[("key", "03")]["risk_levels"] == {"0": 90, "1": 30, "2": 30, "3": 14, "4": 14, "5": 14}
    assert [f["name"] for f in by_key[("key", "0601")]["fields"]][:1] == ["guardian_name"]
    assert ("care", "07") in by_key


def test_listings_and_visits_move_with_the_resident(api: Any, unit: Any) -> None:
    from zongzhi.units.demo import GRID_2

    rid = _resident(api, unit)
    cid = _list(api, rid, {"group": "key", "category_code": "99", "details": {"description": "其他"}}).json()["id"]
    r = api("village_officer").put(
        f"/api/registry/residents/{rid}",
        {"kind": "registered", "name": "孙某某", "id_number": id_number(seq="501"), "unit_id": unit(GRID_2).pk},
    )
    assert r.status_code == 200, r.json()
    assert PersonCategory.objects.get(pk=cid).path == GRID_2
