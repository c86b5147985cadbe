"""Patrols (巡逻): routes (validation, names, members, scope), patrols walked on the phone
(start, check-ins, track and end, each idempotent by its client id, a patrol started offline
reached by its client id), the 治安巡逻 activity written once, a problem reported as a case, the
nearest point chosen, and who may read and write what."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from zongzhi.cases.models import Case
from zongzhi.office import services_patrols as services
from zongzhi.office.models import Activity, ActivityKind, OfficeAttachment, Patrol, PatrolCheckIn, PatrolRoute
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

BASE = "/api/office/patrols"
VILLAGE = "320111003001"  # 冯墙社区 (village_officer)
GRID_1 = "320111003001001"  # the grid worker's
GRID_2 = "320111003001002"  # the grid worker's second grid
TOWNSHIP = "320111003000"  # 沿江街道 (township_officer)
OTHER_VILLAGE = "320111004001"  # 江浦街道 (township2_officer)

# Two points about 220 m apart on a short street.
A = (32.0600, 118.6300)
B = (32.0620, 118.6300)


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code if len(code) > 12 else code.ljust(12, "0"))


def _route_body(unit_code: str = GRID_1, **over: Any) -> dict[str, Any]:
    worker = User.objects.get(username="grid_worker")
    body: dict[str, Any] = {
        "unit_id": _unit(unit_code).pk,
        "name": "沿江路夜巡线",
        "description": "沿江路至学校门口",
        "line": [[A[1], A[0]], [B[1], B[0]]],
        "points": [
            {"name": "路口", "latitude": A[0], "longitude": A[1], "radius_m": 80},
            {"name": "学校门口", "latitude": B[0], "longitude": B[1], "radius_m": 80},
        ],
        "member_ids": [worker.pk],
        "weekdays": "1234567",
        "starts_at": "19:00",
        "ends_at": "21:00",
    }
    body.update(over)
    return body


def _route(api: Any, unit_code: str = GRID_1, **over: Any) -> dict[str, Any]:
    r = api("village_officer").post(f"{BASE}/routes", _route_body(unit_code, **over))
    assert r.status_code == 201, r.content
    return dict(r.json())


def _start(client: Any, route_id: int | None, cid: str | None = None, **over: Any) -> Any:
    body = {"client_id": cid or str(uuid.uuid4()), "route_id": route_id, **over}
    return client.post(BASE, body)


def _photo(client: Any) -> int:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 80)).save(buf, "JPEG")
    r = client.client.post(
        "/api/attachments",
        {"file": SimpleUploadedFile("隐患.jpg", buf.getvalue(), content_type="image/jpeg")},
        headers=client._headers(),
    )
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def _ts(minutes: float = 0) -> float:
    return (timezone.now() + dt.timedelta(minutes=minutes)).timestamp()


# --- routes ---------------------------------------------------------------------------------


def test_village_officer_defines_a_route_with_points_members_and_schedule(api: Any) -> None:
    route = _route(api)
    assert route["unit"]["code"] == GRID_1
    assert [p["name"] for p in route["points"]] == ["路口", "学校门口"]
    assert [m["full_name"] for m in route["members"]] == ["张伟"]
    assert route["weekdays"] == "1234567" and route["starts_at"] == "19:00:00"
    assert route["can_edit"] is True
    got = api("township_officer").get(f"{BASE}/routes/{route['id']}")
    assert got.status_code == 200 and got.json()["can_edit"] is False


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"name": "  "}, "name", "required"),
        ({"line": [[118.63, 32.06]]}, "line", "line_too_short"),
        ({"line": [[118.63, 32.06], [200.0, 32.06]]}, "line", "line_invalid"),
        ({"line": [[32.06, 118.63], [32.07, 118.63]]}, "line", "line_invalid"),  # lat/lng swapped
        ({"weekdays": "80"}, "weekdays", "weekdays_invalid"),
        ({"weekdays": ""}, "weekdays", "weekdays_invalid"),
        ({"starts_at": "21:00", "ends_at": "19:00"}, "ends_at", "hours_invalid"),
        ({"starts_at": "21:00", "ends_at": None}, "ends_at", "hours_incomplete"),
        ({"points": [{"name": "", "latitude": 32.06, "longitude": 118.63}]}, "points.0.name", "required"),
        ({"points": [{"name": "点", "latitude": 99, "longitude": 118.63}]}, "points.0.latitude", "position_invalid"),
        (
            {"points": [{"name": "点", "latitude": 32.06, "longitude": 118.63, "radius_m": 5}]},
            "points.0.radius_m",
            "radius_out_of_range",
        ),
    ],
)
def test_route_bad_input_is_named_beside_its_field(api: Any, over: dict[str, Any], field: str, code: str) -> None:
    r = api("village_officer").post(f"{BASE}/routes", _route_body(**over))
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == code
    assert body["errors"][0]["field"] == field
    assert not PatrolRoute.objects.exists()


def test_route_name_is_unique_per_unit_with_a_clear_message(api: Any) -> None:
    _route(api)
    r = api("village_officer").post(f"{BASE}/routes", _route_body())
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": "name", "message": "本单位已有同名的巡逻线路"}]
    # Another grid may use the name; a withdrawn route frees it.
    other = _route(api, GRID_2)
    api("village_officer").post(f"{BASE}/routes/{other['id']}/withdraw", {"reason": "线路调整"})
    assert api("village_officer").post(f"{BASE}/routes", _route_body(GRID_2)).status_code == 201


def test_members_must_belong_to_the_routes_village(api: Any) -> None:
    outsider = User.objects.get(username="township2_officer")
    r = api("village_officer").post(f"{BASE}/routes", _route_body(member_ids=[outsider.pk]))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "member_ids"
    options = api("village_officer").get(f"{BASE}/routes/member-options", {"unit": _unit(GRID_1).pk}).json()
    names = {o["full_name"] for o in options}
    assert "张伟" in names and "赵敏" not in names


def test_route_unit_must_be_a_grid_or_village_of_ones_own(api: Any) -> None:
    r = api("township_officer").post(f"{BASE}/routes", _route_body(TOWNSHIP, member_ids=[]))
    assert r.status_code == 400 and r.json()["code"] == "route_unit_level"
    # The township reads the village's routes but does not write them.
    r = api("township_officer").post(f"{BASE}/routes", _route_body(VILLAGE, member_ids=[]))
    assert r.status_code == 403
    route = _route(api)
    r = api("township_officer").send("put", f"{BASE}/routes/{route['id']}", _route_body(name="改名"))
    assert r.status_code == 403
    r = api("township_officer").post(f"{BASE}/routes/{route['id']}/withdraw", {"reason": "x"})
    assert r.status_code == 403
    # A grid worker may not define routes.
    r = api("grid_worker").post(f"{BASE}/routes", _route_body())
    assert r.status_code == 403
    # The next township sees nothing of it.
    assert api("township2_officer").get(f"{BASE}/routes/{route['id']}").status_code == 404


def test_editing_a_route_keeps_check_ins_linked_to_points_that_stay(api: Any) -> None:
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, route["id"], cid)
    worker.post(
        f"{BASE}/by-client/{cid}/check-ins", {"client_id": str(uuid.uuid4()), "latitude": A[0], "longitude": A[1]}
    )
    body = _route_body(points=[{"name": "路口", "latitude": A[0], "longitude": A[1]}], name="沿江路夜巡线（调整）")
    r = api("village_officer").send("put", f"{BASE}/routes/{route['id']}", body)
    assert r.status_code == 200, r.content
    assert [p["name"] for p in r.json()["points"]] == ["路口"]
    assert PatrolCheckIn.objects.get().point.name == "路口"


def test_withdrawing_needs_a_reason_and_keeps_the_route(api: Any) -> None:
    route = _route(api)
    r = api("village_officer").post(f"{BASE}/routes/{route['id']}/withdraw", {"reason": " "})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    r = api("village_officer").post(f"{BASE}/routes/{route['id']}/withdraw", {"reason": "道路改造"})
    assert r.status_code == 200 and r.json()["is_withdrawn"] and r.json()["withdrawn_reason"] == "道路改造"
    assert PatrolRoute.objects.filter(pk=route["id"]).exists()
    listed = api("village_officer").get(f"{BASE}/routes").json()["items"]
    assert route["id"] not in [x["id"] for x in listed]
    r = _start(api("grid_worker"), route["id"])
    assert r.status_code == 400 and r.json()["code"] == "route_withdrawn"


# --- patrols ----------------------------------------------------------------------------------


def test_start_is_idempotent_and_one_patrol_is_open_at_a_time(api: Any) -> None:
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    first = _start(worker, route["id"], cid)
    again = _start(worker, route["id"], cid)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Patrol.objects.count() == 1
    other = _start(worker, route["id"])
    assert other.status_code == 409 and other.json()["code"] == "patrol_open"
    assert "尚未结束" in other.json()["message"]


def test_a_whole_patrol_started_offline_arrives_once(api: Any) -> None:
    """The queue sends start, check-ins, track and end in order, each perhaps twice (a lost
    answer): one patrol, two check-ins, one track, one activity."""
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    started = timezone.now() - dt.timedelta(minutes=40)
    start = {"client_id": cid, "route_id": route["id"], "started_at": started.isoformat()}
    c1 = {
        "client_id": str(uuid.uuid4()),
        "latitude": A[0],
        "longitude": A[1],
        "at": (started + dt.timedelta(minutes=5)).isoformat(),
    }
    c2 = {
        "client_id": str(uuid.uuid4()),
        "latitude": B[0],
        "longitude": B[1],
        "at": (started + dt.timedelta(minutes=20)).isoformat(),
    }
    base = started.timestamp()
    track = {"points": [[A[0], A[1], base + 60], [32.0610, 118.6300, base + 600], [B[0], B[1], base + 1200]]}
    end = {"summary": "路面正常", "ended_at": (started + dt.timedelta(minutes=30)).isoformat()}
    for _ in range(2):
        assert worker.post(BASE, start).status_code in (200, 201)
        assert worker.post(f"{BASE}/by-client/{cid}/check-ins", c1).status_code in (200, 201)
        assert worker.post(f"{BASE}/by-client/{cid}/check-ins", c2).status_code in (200, 201)
    assert worker.post(f"{BASE}/by-client/{cid}/track", track).json()["added"] == 3
    assert worker.post(f"{BASE}/by-client/{cid}/track", track).json()["added"] == 0
    ended = worker.post(f"{BASE}/by-client/{cid}/end", end)
    assert ended.status_code == 200, ended.content
    again = worker.post(f"{BASE}/by-client/{cid}/end", end)
    assert again.status_code == 200 and again.json()["activity_id"] == ended.json()["activity_id"]
    patrol = Patrol.objects.get()
    assert patrol.check_ins.count() == 2 and len(patrol.track) == 3
    assert 200 <= patrol.distance_m <= 240
    assert [c.point.name for c in patrol.check_ins.order_by("at")] == ["路口", "学校门口"]
    activity = Activity.objects.get(patrol=patrol)
    assert activity.kind == ActivityKind.PATROL and activity.name == "治安巡逻"
    assert activity.unit.code == GRID_1 and activity.held_on == timezone.localtime(started).date()
    assert "签到2次" in activity.content
    # It shows in the village's 活动台账.
    listed = api("village_officer").get("/api/office/activities", {"kind": "patrol"}).json()["items"]
    assert activity.pk in [a["id"] for a in listed]


def test_nothing_is_tracked_outside_an_open_patrol(api: Any) -> None:
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    assert _start(worker, None, cid).status_code == 201
    assert worker.post(f"{BASE}/by-client/{cid}/end", {"summary": ""}).status_code == 200
    r = worker.post(f"{BASE}/by-client/{cid}/track", {"points": [[A[0], A[1], _ts()]]})
    assert r.status_code == 409 and r.json()["code"] == "patrol_ended"
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", {"client_id": str(uuid.uuid4())})
    assert r.status_code == 409
    assert Patrol.objects.get().track == []
    # And no patrol, no track: an unknown client id is not found.
    r = worker.post(f"{BASE}/by-client/{uuid.uuid4()}/track", {"points": [[A[0], A[1], _ts()]]})
    assert r.status_code == 404


def test_times_may_be_past_but_not_before_start_nor_in_the_future(api: Any) -> None:
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    started = timezone.now() - dt.timedelta(hours=1)
    _start(worker, None, cid, started_at=started.isoformat())
    early = {"client_id": str(uuid.uuid4()), "at": (started - dt.timedelta(minutes=1)).isoformat()}
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", early)
    assert r.status_code == 400 and r.json()["code"] == "time_before_start"
    late = {"client_id": str(uuid.uuid4()), "at": (timezone.now() + dt.timedelta(minutes=30)).isoformat()}
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", late)
    assert r.status_code == 400 and r.json()["code"] == "time_in_future"
    r = worker.post(f"{BASE}/by-client/{cid}/track", {"points": [[A[0], A[1], _ts(30)]]})
    assert r.status_code == 400 and r.json()["code"] == "time_in_future"
    # A fix from before the start (a phone's cached position) is not part of the patrol: dropped.
    r = worker.post(f"{BASE}/by-client/{cid}/track", {"points": [[A[0], A[1], started.timestamp() - 600]]})
    assert r.status_code == 200 and r.json()["added"] == 0
    r = worker.post(f"{BASE}/by-client/{cid}/end", {"ended_at": (started - dt.timedelta(minutes=5)).isoformat()})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "ended_at"
    future = _start(api("village_officer"), None, started_at=(timezone.now() + dt.timedelta(hours=1)).isoformat())
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "started_at"


def test_nearest_point_within_its_radius_is_chosen(api: Any) -> None:
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, route["id"], cid)
    near_b = {"client_id": str(uuid.uuid4()), "latitude": 32.0618, "longitude": 118.6300}  # ~22 m from B
    assert worker.post(f"{BASE}/by-client/{cid}/check-ins", near_b).json()["point_name"] == "学校门口"
    between = {"client_id": str(uuid.uuid4()), "latitude": 32.0610, "longitude": 118.6300}  # 110 m from both
    got = worker.post(f"{BASE}/by-client/{cid}/check-ins", between).json()
    assert got["point_id"] is None and got["point_name"] == ""
    chosen = {"client_id": str(uuid.uuid4()), "point_id": route["points"][0]["id"]}
    assert worker.post(f"{BASE}/by-client/{cid}/check-ins", chosen).json()["point_name"] == "路口"


def test_nearest_point_helper_prefers_the_closest_of_overlapping_points() -> None:
    from zongzhi.office.models import PatrolPoint

    far = PatrolPoint(name="远", latitude=32.0600, longitude=118.6300, radius_m=500)
    near = PatrolPoint(name="近", latitude=32.0610, longitude=118.6300, radius_m=200)
    assert services.nearest_point([far, near], 32.0612, 118.6300) is near
    assert services.nearest_point([near], 32.0700, 118.6300) is None


def test_a_problem_needs_a_note_and_becomes_a_case_with_its_photo(api: Any) -> None:
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, route["id"], cid)
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", {"client_id": str(uuid.uuid4()), "result": "problem"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "note"
    photo = _photo(worker)
    body = {
        "client_id": str(uuid.uuid4()),
        "result": "problem",
        "note": "学校门口路灯损坏，夜间照明不足",
        "latitude": B[0],
        "longitude": B[1],
        "attachment_ids": [photo],
        "report_case": True,
    }
    first = worker.post(f"{BASE}/by-client/{cid}/check-ins", body)
    assert first.status_code == 201, first.content
    again = worker.post(f"{BASE}/by-client/{cid}/check-ins", body)
    assert again.status_code == 200
    got = first.json()
    assert got["case"] is not None and got["case"]["id"] == again.json()["case"]["id"]
    assert [f["id"] for f in got["files"]] == [photo]
    case = Case.objects.get(pk=got["case"]["id"])
    assert case.kind == "event" and case.category_code == "02"
    assert case.title.startswith("巡逻发现：学校门口路灯损坏")
    assert (case.latitude, case.longitude) == B
    assert list(case.attachments.values_list("id", flat=True)) == [photo]
    assert Case.objects.filter(initiator_user__username="grid_worker").count() == 1
    assert OfficeAttachment.objects.filter(owner="check_in").count() == 1
    # The photo opens for the village (the patrol's reader) and not for the next township.
    assert api("village_officer").get(f"/api/attachments/{photo}/file").status_code == 200
    assert api("township2_officer").get(f"/api/attachments/{photo}/file").status_code == 404
    # A normal check-in cannot become a case.
    bad = {"client_id": str(uuid.uuid4()), "report_case": True}
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", bad)
    assert r.status_code == 400 and r.json()["code"] == "case_needs_problem"


def test_a_refused_case_leaves_no_check_in(api: Any) -> None:
    """The check-in and its case are one transaction: a case the engine refuses (an unknown
    category) leaves nothing behind, and the phone can correct and resend."""
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, None, cid)
    body = {"client_id": str(uuid.uuid4()), "result": "problem", "note": "有人聚集", "report_case": True}
    r = worker.post(f"{BASE}/by-client/{cid}/check-ins", {**body, "case_category": "9999"})
    assert r.status_code == 400
    assert not PatrolCheckIn.objects.exists() and not Case.objects.exists()
    assert worker.post(f"{BASE}/by-client/{cid}/check-ins", body).status_code == 201


# --- scope --------------------------------------------------------------------------------------


def test_grid_worker_patrols_only_their_routes_and_grids(api: Any, officer: Any) -> None:
    worker = api("grid_worker")
    # Free patrol: in their own grid (the first by default), not in the village itself.
    r = _start(worker, None)
    assert r.status_code == 201 and r.json()["unit"]["code"] == GRID_1
    worker.post(f"{BASE}/by-client/{r.json()['client_id']}/end", {})
    r = _start(worker, None, unit_id=_unit(VILLAGE).pk)
    assert r.status_code == 403
    # A village route they are not a member of: refused; once a member: allowed.
    route = _route(api, VILLAGE, member_ids=[], name="村级巡逻线")
    r = _start(worker, route["id"])
    assert r.status_code == 403 and r.json()["code"] == "not_route_member"
    body = _route_body(VILLAGE, name="村级巡逻线")
    api("village_officer").send("put", f"{BASE}/routes/{route['id']}", body)
    assert _start(worker, route["id"]).status_code == 201
    # The next township's worker cannot even see the route.
    other = officer("jiangpu_worker", OTHER_VILLAGE, role="grid_worker")
    assert _start(other, route["id"]).status_code == 404


def test_only_the_worker_acts_on_their_patrol(api: Any) -> None:
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, None, cid)
    r = api("village_officer").post(f"{BASE}/by-client/{cid}/check-ins", {"client_id": str(uuid.uuid4())})
    assert r.status_code == 403 and r.json()["code"] == "not_patrol_worker"
    assert api("township2_officer").post(f"{BASE}/by-client/{cid}/end", {}).status_code in (403, 404)
    assert Patrol.objects.get().ended_at is None


def test_records_are_read_in_scope_with_filters(api: Any) -> None:
    route = _route(api)
    worker = api("grid_worker")
    cid = str(uuid.uuid4())
    _start(worker, route["id"], cid)
    worker.post(f"{BASE}/by-client/{cid}/track", {"points": [[A[0], A[1], _ts()]]})
    worker.post(f"{BASE}/by-client/{cid}/end", {"summary": "正常"})
    patrol = Patrol.objects.get()
    for who in ("village_officer", "township_officer", "grid_worker"):
        items = api(who).get(BASE, {"unit": _unit(VILLAGE).pk}).json()["items"]
        assert [p["id"] for p in items] == [patrol.pk], who
    assert api("township2_officer").get(BASE, {"unit": _unit(VILLAGE).pk}).status_code == 404
    assert api("township2_officer").get(f"{BASE}/{patrol.pk}").status_code == 404
    township = api("township_officer")
    worker_id = User.objects.get(username="grid_worker").pk
    assert len(township.get(BASE, {"worker": worker_id}).json()["items"]) == 1
    assert len(township.get(BASE, {"route": route["id"]}).json()["items"]) == 1
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert township.get(BASE, {"since": tomorrow}).json()["items"] == []
    detail = township.get(f"{BASE}/{patrol.pk}").json()
    assert detail["track"] and detail["route_line"] == route["line"] and len(detail["route_points"]) == 2
    assert township.get(f"{BASE}/total").json()["count"] == 1


def test_patrol_list_query_count_does_not_grow_with_rows(api: Any) -> None:
    worker = api("grid_worker")
    client = api("township_officer")
    for _ in range(2):
        cid = str(uuid.uuid4())
        _start(worker, None, cid)
        worker.post(f"{BASE}/by-client/{cid}/check-ins", {"client_id": str(uuid.uuid4())})
        worker.post(f"{BASE}/by-client/{cid}/end", {})
    client.get(BASE)
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for _ in range(3):
        cid = str(uuid.uuid4())
        _start(worker, None, cid)
        worker.post(f"{BASE}/by-client/{cid}/end", {})
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(BASE).json()["items"]) == 5
    assert len(more) == len(few)


def test_mine_lists_todays_routes_first_and_the_open_patrol(api: Any) -> None:
    today = str(timezone.localdate().isoweekday())
    other_day = "1" if today != "1" else "2"
    _route(api, name="非今日线", weekdays=other_day)
    _route(api, GRID_2, name="今日线", weekdays=today)
    worker = api("grid_worker")
    mine = worker.get(f"{BASE}/mine").json()
    assert [r["name"] for r in mine["routes"]][:2] == ["今日线", "非今日线"]
    assert mine["routes"][0]["scheduled_today"] is True
    assert mine["open"] is None
    cid = str(uuid.uuid4())
    _start(worker, mine["routes"][0]["id"], cid)
    mine = worker.get(f"{BASE}/mine").json()
    assert mine["open"]["client_id"] == cid and mine["recent"][0]["is_open"]


def test_the_demo_writes_routes_and_patrols_through_the_services() -> None:
    import time

    from zongzhi.office import demo_patrols

    began = time.monotonic()
    counts = demo_patrols.load(timezone.now(), months=1)
    took = time.monotonic() - began
    assert counts["routes"] >= 3 and counts["patrols"] >= 4 and counts["check_ins"] >= counts["patrols"]
    assert counts["cases"] == 2
    assert Patrol.objects.filter(activity__isnull=False).count() == Patrol.objects.count() >= counts["patrols"]
    assert Case.objects.filter(category_code="02").count() == 2
    assert demo_patrols.load(timezone.now(), months=1)["routes"] == 0  # once
    print(f"demo_patrols 1 month: {counts} in {took:.1f}s")
