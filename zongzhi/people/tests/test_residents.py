"""Residents: registration with ID checks, one record per person, masking, search and scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from zongzhi.people.idcard import check_digit
from zongzhi.people.models import NameToken, Resident
from zongzhi.units.demo import GRID_1, GRID_2

pytestmark = pytest.mark.django_db


def id_number(birth: str = "19850312", seq: str = "123", region: str = "320111") -> str:
    first17 = region + birth + seq
    return first17 + check_digit(first17)


def _body(unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "registered",
        "name": "王建国",
        "id_number": id_number(),
        "unit_id": unit(GRID_1).pk,
        "phone": "13812345678",
        "ethnicity_code": "01",
        "household_address": "南京市浦口区沿江街道冯墙社区1号",
        **extra,
    }


def _register(api: Any, unit: Any, who: str = "village_officer", **extra: Any) -> Any:
    return api(who).post("/api/registry/residents", _body(unit, **extra))


def test_a_village_officer_registers_a_resident_and_sees_them_masked(api: Any, unit: Any) -> None:
    r = _register(api, unit)
    assert r.status_code == 201, r.json()
    body = r.json()
    number = id_number()
    assert body["birth_date"] == "1985-03-12" and body["sex_code"] == "1" and body["sex_label"] == "男"
    assert body["id_number_mask"] == number[:4] + "*" * 10 + number[-4:]
    assert body["phone_mask"] == "138****5678"
    assert number not in str(body) and "13812345678" not in str(body)
    assert body["unit_name"] and body["path"] == GRID_1
    assert body["labels"]["ethnicity_code"] == "汉族"
    assert body["can_edit"] and body["can_unmask"]
    # at rest: the columns hold ciphertext; no plaintext anywhere in the row
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_resident WHERE id = %s", [body["id"]])
        raw = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in cursor.fetchone())
    assert number.encode() not in raw and b"13812345678" not in raw


def test_wrong_id_numbers_are_refused_with_the_reason(api: Any, unit: Any) -> None:
    good = id_number()
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = {
        wrong_check: "id_checksum",
        "3201111985021312" + "3": "id_format",
        id_number(birth="19850230"): "id_birth_date",
        "32011119850312123": "id_format",
    }
    for number, code in cases.items():
        r = _register(api, unit, id_number=number)
        assert r.status_code == 400, (number, r.json())
        assert r.json()["code"] == code, (number, r.json())
        assert r.json()["errors"][0]["field"] == "id_number"
    assert not Resident.objects.exists()


def test_all_problems_of_a_form_come_back_at_once(api: Any, unit: Any) -> None:
    r = _register(api, unit, name="", phone="12345", ethnicity_code="77")
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"name", "phone", "ethnicity_code"}


def test_one_person_one_record(api: Any, unit: Any) -> None:
    assert _register(api, unit).status_code == 201
    r = _register(api, unit, name="王建国2")
    assert r.status_code == 409 and r.json()["code"] == "id_number_taken"
    assert "王建国" in r.json()["message"]
    # the same person asked for from the next township: no name given away
    r = api("township2_officer").post(
        "/api/registry/residents", _body(unit, unit_id=unit("320111004").pk, name="王建国")
    )
    assert r.status_code == 409 and "其他辖区" in r.json()["message"] and "王建国" not in r.json()["message"]
    # a lower-case x is the same number
    x_number = next(n for n in (id_number(seq=f"{i:03d}") for i in range(200)) if n.endswith("X"))
    assert _register(api, unit, id_number=x_number, name="李四").status_code == 201
    assert _register(api, unit, id_number=x_number.lower(), name="李四").status_code == 409


def test_name_search_finds_any_fragment_anywhere(api: Any, unit: Any) -> None:
    people = {"王建国": "101", "李建国华": "102", "张国建": "103", "欧阳建": "104"}
    for name, seq in people.items():
        assert _register(api, unit, name=name, id_number=id_number(seq=seq), phone="").status_code == 201

    def names(q: str) -> set[str]:
        r = api("village_officer").get("/api/registry/residents", {"q": q})
        assert r.status_code == 200, r.json()
        return {row["name"] for row in r.json()["items"]}

    assert names("建国") == {"王建国", "李建国华"}
    assert names("建") == {"王建国", "李建国华", "张国建", "欧阳建"}
    assert names("李建国华") == {"李建国华"}
    assert names("国华") == {"李建国华"}
    assert names("建华") == set()
    assert names(id_number(seq="103")) == {"张国建"}  # a whole ID number: exact match
    # out of scope: the next township finds nobody
    r = api("township2_officer").get("/api/registry/residents", {"q": "建国"})
    assert r.json()["items"] == []


def test_the_list_says_how_many_residents_its_filters_select(api: Any, unit: Any) -> None:
    for i in range(3):
        assert _register(api, unit, name=f"计数{i}", id_number=id_number(seq=f"{400 + i}"), phone="").status_code == 201
    village = api("village_officer")
    assert village.get("/api/registry/residents/total", {"q": "计数"}).json() == {"count": 3, "capped": False}
    everyone = village.get("/api/registry/residents/total").json()["count"]
    assert (
        everyone >= 3
        and api("township2_officer").get("/api/registry/residents/total", {"q": "计数"}).json()["count"] == 0
    )
    # a whole ID number is an audited search: its page holds every match, no count is made
    r = village.get("/api/registry/residents/total", {"q": id_number(seq="400")})
    assert r.status_code == 400 and r.json()["code"] == "total_not_counted"


def test_a_name_search_pages_newest_first_without_repeats(api: Any, unit: Any) -> None:
    ids = [
        _register(api, unit, name=f"翻页{i:02d}", id_number=id_number(seq=f"{300 + i}"), phone="").json()["id"]
        for i in range(5)
    ]
    client = api("village_officer")
    first = client.get("/api/registry/residents", {"q": "翻页", "limit": 3}).json()
    assert [x["id"] for x in first["items"]] == ids[::-1][:3]
    second = client.get("/api/registry/residents", {"q": "翻页", "limit": 3, "cursor": first["next_cursor"]}).json()
    assert [x["id"] for x in second["items"]] == ids[::-1][3:] and second["next_cursor"] is None


def test_a_search_takes_wildcards_literally_and_combines_with_the_filters(api: Any, unit: Any) -> None:
    for name, seq, kind, grid in (
        ("马建国", "401", "registered", GRID_1),
        ("马建军", "402", "floating", GRID_1),
        ("马建设", "403", "floating", GRID_2),
    ):
        body = {"kind": kind, "name": name, "id_number": id_number(seq=seq), "phone": "", "unit_id": unit(grid).pk}
        if kind == "floating":
            body["floating"] = {"permit_type_code": "1", "reason_code": "01"}
        r = _register(api, unit, **body)
        assert r.status_code == 201, r.json()
    client = api("village_officer")

    def names(**params: Any) -> list[str]:
        r = client.get("/api/registry/residents", params)
        assert r.status_code == 200, r.json()
        return [row["name"] for row in r.json()["items"]]

    # "%" and "_" are characters of a name, not patterns: nobody has them.
    assert names(q="马%") == [] and names(q="马_") == [] and names(q="%") == []
    assert names(q="马建", kind="floating") == ["马建设", "马建军"]
    assert names(q="马建", under=unit(GRID_1).pk) == ["马建军", "马建国"]
    assert names(q="马建", kind="floating", under=unit(GRID_2).pk) == ["马建设"]
    # a former name is found too
    assert _register(api, unit, name="朱红", former_name="马小虎", id_number=id_number(seq="404")).status_code == 201
    assert names(q="小虎") == ["朱红"] and names(q="马小虎") == ["朱红"]
    # a fragment of three or more characters is found by its first and its last pair, and the
    # middle dot of a name counts for neither
    assert _register(api, unit, name="买买提·艾力", id_number=id_number(seq="405")).status_code == 201
    assert names(q="买提·艾力") == ["买买提·艾力"] and names(q="买买提") == ["买买提·艾力"]
    assert names(q="马建国军") == [] and names(q="马建设") == ["马建设"]
    # a retired resident only when asked for
    gone = Resident.objects.get(name="马建国")
    assert client.post(f"/api/registry/residents/{gone.pk}/retire", {"reason": "迁出"}).status_code == 200
    assert names(q="马建国") == [] and names(q="马建国", include_retired="true") == ["马建国"]


def test_renaming_keeps_the_index_current(api: Any, unit: Any) -> None:
    rid = _register(api, unit).json()["id"]
    r = api("village_officer").put(f"/api/registry/residents/{rid}", _body(unit, name="王卫东", former_name="王建国"))
    assert r.status_code == 200, r.json()
    found = api("village_officer").get("/api/registry/residents", {"q": "卫东"}).json()["items"]
    assert [x["id"] for x in found] == [rid]
    found = api("village_officer").get("/api/registry/residents", {"q": "建国"}).json()["items"]
    assert [x["id"] for x in found] == [rid]  # the former name is searched too
    assert set(NameToken.objects.filter(resident_id=rid).values_list("path", flat=True)) == {GRID_1}


def test_search_by_phone_number(api: Any, unit: Any) -> None:
    rid = _register(api, unit).json()["id"]
    found = api("village_officer").get("/api/registry/residents", {"q": "13812345678"}).json()["items"]
    assert [x["id"] for x in found] == [rid]


def test_unmasking_is_allowed_to_some_and_always_audited(api: Any, unit: Any, audit_since: Any) -> None:
    rid = _register(api, unit).json()["id"]
    r = api("village_officer").post(f"/api/registry/residents/{rid}/reveal", {"field": "id_number"})
    assert r.status_code == 200 and r.json()["value"] == id_number()
    r = api("village_officer").post(f"/api/registry/residents/{rid}/reveal", {"field": "phone"})
    assert r.json()["value"] == "13812345678"
    events = audit_since("pii.unmask")
    assert [e.detail["field"] for e in events] == ["id_number", "phone"]
    assert all(e.username == "village_officer" and e.object_id == str(rid) for e in events)
    assert id_number() not in str([e.detail for e in events])
    # the grid worker's role may not unmask: refused, and the refusal is on record too
    r = api("grid_worker").post(f"/api/registry/residents/{rid}/reveal", {"field": "id_number"})
    assert r.status_code == 403
    assert audit_since("permission.denied")[-1].username == "grid_worker"


def test_scope_on_every_endpoint(api: Any, unit: Any) -> None:
    rid = _register(api, unit).json()["id"]
    other = api("township2_officer")
    assert other.get(f"/api/registry/residents/{rid}").status_code == 404
    assert other.put(f"/api/registry/residents/{rid}", _body(unit)).status_code == 404
    assert other.post(f"/api/registry/residents/{rid}/retire", {"reason": "迁出"}).status_code == 404
    assert other.post(f"/api/registry/residents/{rid}/reveal", {"field": "id_number"}).status_code == 404
    assert other.get("/api/registry/residents").json()["items"] == []
    # the grid worker registers in their grids only; the township reads but its leader cannot write
    r = _register(api, unit, who="grid_worker", id_number=id_number(seq="201"), unit_id=unit("320111003001").pk)
    assert r.status_code == 403  # the village: in sight, but the worker keeps only their grids
    r = _register(api, unit, who="grid_worker", id_number=id_number(seq="201"), unit_id=unit("320111003002").pk)
    assert r.status_code == 404  # another village: not even in sight
    assert (
        _register(api, unit, who="grid_worker", id_number=id_number(seq="202"), unit_id=unit(GRID_2).pk).status_code
        == 201
    )
    assert api("township_officer").get(f"/api/registry/residents/{rid}").status_code == 200
    assert _register(api, unit, who="leader", id_number=id_number(seq="203")).status_code == 403
    assert api("sysadmin").get("/api/registry/residents").status_code == 403


def test_retire_is_soft_audited_and_frees_the_number(api: Any, unit: Any, audit_since: Any) -> None:
    rid = _register(api, unit).json()["id"]
    r = api("village_officer").post(f"/api/registry/residents/{rid}/retire", {"reason": ""})
    assert r.status_code == 400
    r = api("village_officer").post(f"/api/registry/residents/{rid}/retire", {"reason": "死亡注销"})
    assert r.status_code == 200 and r.json()["is_retired"] and not r.json()["can_edit"]
    assert audit_since("resident.retired")[0].detail == {"reason": "死亡注销"}
    assert api("village_officer").get("/api/registry/residents").json()["items"] == []
    listed = api("village_officer").get("/api/registry/residents", {"include_retired": True}).json()["items"]
    assert [x["id"] for x in listed] == [rid]
    assert Resident.objects.filter(pk=rid).exists()
    # a retired record cannot be changed, and the number can be registered again
    assert api("village_officer").put(f"/api/registry/residents/{rid}", _body(unit)).status_code == 409
    assert _register(api, unit).status_code == 201


def test_a_move_keeps_the_record_and_its_history(api: Any, unit: Any, audit_since: Any) -> None:
    rid = _register(api, unit).json()["id"]
    r = api("village_officer").put(f"/api/registry/residents/{rid}", _body(unit, unit_id=unit(GRID_2).pk))
    assert r.status_code == 200 and r.json()["path"] == GRID_2
    assert audit_since("resident.moved")[0].detail == {"to": GRID_2}
    history = api("village_officer").get(f"/api/registry/residents/{rid}").json()["history"]
    assert any(h["changes"].get("path") == [GRID_1, GRID_2] for h in history), history
    assert not any("sealed" in str(h["changes"]) for h in history)


def test_floating_and_overseas_people_have_their_own_fields(api: Any, unit: Any) -> None:
    r = _register(
        api,
        unit,
        kind="floating",
        id_number=id_number(seq="301", region="510104"),
        permit_type="居住证",
        permit_issued_on="2026-01-01",
        permit_expires_on="2025-01-01",
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "permit_expires_on"
    overseas = {
        "kind": "overseas",
        "name": "陈美玲",
        "id_type_code": "511",
        "id_number": "T12345678",
        "sex_code": "2",
        "birth_date": "1990-05-01",
    }
    r = _register(api, unit, **overseas, nationality_code="")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "nationality_code"
    r = _register(
        api,
        unit,
        **overseas,
        nationality_code="158",
        purpose="探亲",
        arrived_on="2026-10-01",
        leaves_on="2027-01-01",
        permit_type="居住证",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["labels"]["nationality_code"] == "中国台湾" and body["permit_type"] == ""
    assert body["id_number_mask"].startswith("T1") and "12345678" not in body["id_number_mask"]


def test_demo_residents_are_valid_and_findable(api: Any) -> None:
    from zongzhi.core import crypto
    from zongzhi.people.demo import build_residents
    from zongzhi.people.idcard import is_valid_id_number

    added = build_residents(120, seed=7)
    assert added["residents"] == 120
    for r in Resident.objects.filter(id_type_code="111"):
        assert is_valid_id_number(crypto.unseal(bytes(r.id_number_sealed)))
    mine = api("village_officer").get("/api/registry/residents", {"limit": 100}).json()["items"]
    assert mine, "the village officer's village has demo residents"
    first = mine[0]["name"]
    found = api("village_officer").get("/api/registry/residents", {"q": first[1:]}).json()["items"]
    assert first in {x["name"] for x in found}


def test_an_edit_may_send_the_masked_numbers_back_unchanged(api: Any, unit: Any, audit_since: Any) -> None:
    body = _register(api, unit).json()
    r = api("village_officer").put(
        f"/api/registry/residents/{body['id']}",
        _body(unit, id_number=body["id_number_mask"], phone=body["phone_mask"], occupation="教师"),
    )
    assert r.status_code == 200, r.json()
    assert r.json()["occupation"] == "教师" and r.json()["phone_mask"] == "138****5678"
    assert (
        api("village_officer")
        .post(f"/api/registry/residents/{body['id']}/reveal", {"field": "id_number"})
        .json()["value"]
        == id_number()
    )
    assert api("village_officer").get("/api/registry/residents", {"kind": "martian"}).status_code == 422


def test_the_cases_a_resident_is_a_party_to(api: Any, unit: Any) -> None:
    from django.utils import timezone

    def report(who: str, title: str, parties: list[dict[str, Any]]) -> Any:
        event = {"kind": "event", "category_code": "0102", "occurred_at": timezone.now().isoformat()}
        return api(who).post("/api/cases", {**event, "title": title, "parties": parties})

    rid = _register(api, unit).json()["id"]
    r = report(
        "village_officer",
        "王建国与李某的邻里纠纷",
        [{"resident_id": rid, "role": "申请人"}, {"name": "李某", "role": "被申请人"}],
    )
    assert r.status_code == 201, r.json()
    case_id = r.json()["case"]["id"]
    detail = api("village_officer").get(f"/api/cases/{case_id}").json()
    assert detail["parties"][0] == {"name": "王建国", "role": "申请人", "resident_id": rid}
    cases = api("village_officer").get(f"/api/registry/residents/{rid}").json()["cases"]
    assert [c["id"] for c in cases] == [case_id]
    # a party must be a resident the reporter can see
    r = report("township2_officer", "某某与某某的纠纷", [{"resident_id": rid}])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "parties.0.resident_id"


def test_a_masked_number_cannot_be_completed_by_guessing(api: Any, unit: Any, audit_since: Any) -> None:
    _register(api, unit, unit_id=unit(GRID_1).pk)
    row = api("grid_worker").get("/api/registry/residents").json()["items"][0]
    assert row["birth_date"] is None and row["age"] is not None  # no birth date beside the mask
    r = api("grid_worker").get("/api/registry/residents", {"q": id_number()})
    assert r.status_code == 403  # no exact-number search without the right to unmask
    found = api("village_officer").get("/api/registry/residents", {"q": f" {id_number()[:6]} {id_number()[6:]}"})
    assert len(found.json()["items"]) == 1  # spaces inside a typed number are ignored
    assert audit_since("pii.lookup")[-1].detail["shown"] == id_number()[:4] + "*" * 10 + id_number()[-4:]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's messages")
def test_a_number_search_sends_its_audit_entry_with_the_search(api: Any, unit: Any, audit_since: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    _register(api, unit, unit_id=unit(GRID_1).pk)
    client = api("village_officer")
    with CaptureQueriesContext(connection) as queries:
        found = client.get("/api/registry/residents", {"q": id_number()})
    assert len(found.json()["items"]) == 1
    carried = [q["sql"] for q in queries.captured_queries if "audit_auditlog" in q["sql"]]
    assert len(carried) == 1 and "registry_resident" in carried[0]  # one statement: the entry, then the search
    assert audit_since("pii.lookup")[-1].detail["field"] == "id_number"
