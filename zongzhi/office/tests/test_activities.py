"""Activities (活动台账): recording with photos, editing, withdrawing, the list's filters and
pages, and the monthly counts the unit above sees."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from zongzhi.office import services_activities as services
from zongzhi.office.models import Activity, OfficeAttachment, OfficeRule
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

BASE = "/api/office/activities"
VILLAGE = "320111003001"  # 冯墙社区 (village_officer)
TOWNSHIP = "320111003000"  # 沿江街道 (township_officer)


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _photo(client: Any) -> int:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 80)).save(buf, "JPEG")
    r = client.client.post(
        "/api/office/uploads",
        {"file": SimpleUploadedFile("巡逻.jpg", buf.getvalue(), content_type="image/jpeg")},
        headers=client._headers(),
    )
    assert r.status_code == 201, r.content
    return int(r.json()["id"])


def _body(**over: Any) -> dict[str, Any]:
    body = {
        "kind": "patrol",
        "name": "治安巡逻",
        "held_on": timezone.localdate().isoformat(),
        "location": "沿江路口",
        "topic": "正常",
        "content": "夜间巡逻",
    }
    body.update(over)
    return body


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code.ljust(12, "0"))


def _errors(r: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in r.json()["errors"]}


def _add(unit: Unit, day: dt.date, n: int = 1, kind: str = "special") -> None:
    """`n` activities held on `day`, entered that evening (within the entry window)."""
    from zongzhi.core.democlock import simulated_clock

    user = User.objects.get(username="county_officer")
    entered = min(timezone.make_aware(dt.datetime.combine(day, dt.time(18))), timezone.now())
    with simulated_clock(entered):
        _write(user, unit, day, n, kind)


def _write(user: User, unit: Unit, day: dt.date, n: int, kind: str) -> None:
    for i in range(n):
        services.create_activity(
            user, unit, services.ActivityData(kind=kind, name=f"活动{i}", held_on=day, location="会议室", topic="主题")
        )


def test_village_officer_records_an_activity_with_a_photo_and_sees_it(api: Any) -> None:
    client = api("village_officer")
    photo = _photo(client)
    r = client.post(BASE, _body(attachment_ids=[photo]))
    assert r.status_code == 201, r.json()
    a = r.json()
    assert a["unit"]["code"] == VILLAGE
    assert a["kind_label"] == "治安巡逻"
    assert [f["id"] for f in a["files"]] == [photo]
    assert a["created_by"] == "李娜" and a["can_edit"]
    listed = client.get(BASE, {"unit": _unit(VILLAGE).pk}).json()
    assert listed["items"][0]["id"] == a["id"]
    # the photo opens for the township above, not for the neighbouring township
    assert api("township_officer").get(f"/api/attachments/{photo}/file").status_code == 200
    assert api("township2_officer").get(f"/api/attachments/{photo}/file").status_code == 404


def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(api: Any) -> None:
    client = api("village_officer")
    before = Activity.objects.count()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = client.post(BASE, _body(held_on=tomorrow))
    assert r.status_code == 400
    assert _errors(r)["held_on"] == "活动时间不能晚于今天"
    r = client.post(BASE, _body(topic="  "))
    assert r.status_code == 400 and "活动主题" in _errors(r)["topic"]
    r = client.post(BASE, _body(attachment_ids=[999999]))
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
    assert Activity.objects.count() == before


def test_someone_elses_photo_cannot_be_attached(api: Any) -> None:
    photo = _photo(api("township_officer"))
    r = api("village_officer").post(BASE, _body(attachment_ids=[photo]))
    assert r.status_code == 400
    assert Activity.objects.filter(name="治安巡逻", unit__code=VILLAGE).count() == 0


def test_only_the_capture_scope_records(api: Any) -> None:
    other = _unit("320111004001")
    r = api("village_officer").post(BASE, _body(unit_id=other.pk))
    assert r.status_code == 404
    r = api("leader").post(BASE, _body())
    assert r.status_code == 403
    # the township records for its villages
    r = api("township_officer").post(BASE, _body(unit_id=_unit(VILLAGE).pk))
    assert r.status_code == 201


def test_edit_then_withdraw_keeps_the_record_tagged(api: Any) -> None:
    client = api("village_officer")
    a = client.post(BASE, _body()).json()
    r = client.put(f"{BASE}/{a['id']}", _body(topic="发现路灯损坏，已报修"))
    assert r.status_code == 200 and r.json()["topic"] == "发现路灯损坏，已报修"
    r = client.post(f"{BASE}/{a['id']}/withdraw", {"reason": ""})
    assert r.status_code == 400 and _errors(r)["reason"] == "请填写撤回原因"
    r = client.post(f"{BASE}/{a['id']}/withdraw", {"reason": "重复录入"})
    assert r.status_code == 200
    w = r.json()
    assert w["is_withdrawn"] and w["withdrawn_reason"] == "重复录入" and w["withdrawn_by"] == "李娜"
    assert not w["can_edit"]
    assert client.put(f"{BASE}/{a['id']}", _body()).status_code == 400
    unit = _unit(VILLAGE).pk
    every = client.get(BASE, {"unit": unit}).json()["items"]
    assert any(i["id"] == a["id"] and i["is_withdrawn"] for i in every)
    active = client.get(BASE, {"unit": unit, "withdrawn": "active"}).json()["items"]
    assert all(i["id"] != a["id"] for i in active)
    assert services.activity_counts([unit], timezone.localdate())[unit] == 0


def test_list_filters_pages_and_total(api: Any) -> None:
    village = _unit(VILLAGE)
    today = timezone.localdate()
    _add(village, today - dt.timedelta(days=3), 5)
    _add(village, today - dt.timedelta(days=40), 2, kind="publicity")
    client = api("township_officer")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"unit": village.pk, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get(BASE, params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    days = [Activity.objects.get(pk=i).held_on for i in seen]
    assert days == sorted(days, reverse=True)
    assert client.get(f"{BASE}/total", {"unit": village.pk}).json() == {"count": 7, "capped": False}
    kinds = client.get(BASE, {"unit": village.pk, "kind": "publicity"}).json()["items"]
    assert len(kinds) == 2
    since = (today - dt.timedelta(days=10)).isoformat()
    assert len(client.get(BASE, {"unit": village.pk, "since": since}).json()["items"]) == 5
    assert client.get(BASE, {"unit": village.pk, "q": "活动1"}).json()["items"]
    # the neighbouring township sees none of them
    assert api("township2_officer").get(BASE, {"unit": village.pk}).status_code == 404


def test_monthly_counts_mark_the_units_below_the_minimum(api: Any) -> None:
    township = _unit(TOWNSHIP)
    village = _unit(VILLAGE)
    other = Unit.objects.filter(parent=township, level="village").exclude(pk=village.pk).order_by("code").first()
    assert other is not None
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    _add(village, last_month, 10)
    _add(village, last_month, 1, kind="village_affairs")
    _add(other, last_month, 4)
    grid = Unit.objects.filter(parent=village, level="grid").first()
    assert grid is not None
    _add(grid, last_month, 2)  # a grid's records count for its village
    counts = services.activity_counts([village.pk, other.pk, township.pk], last_month)
    assert counts == {village.pk: 13, other.pk: 4, township.pk: 0}

    table = api("township_officer").get(f"{BASE}/monthly", {"unit": township.pk, "months": 3}).json()
    assert table["minimum"] == 10
    rows = {r["unit"]["code"]: r for r in table["rows"]}
    assert rows[TOWNSHIP]["is_root"]
    cell = next(c for c in rows[VILLAGE]["months"] if c["month"] == last_month.replace(day=1).isoformat())
    assert cell == {"month": last_month.replace(day=1).isoformat(), "count": 13, "below": False, "current": False}
    short = next(c for c in rows[other.code]["months"] if c["month"] == last_month.replace(day=1).isoformat())
    assert short["count"] == 4 and short["below"]
    # 村务公开 per quarter: the village has one in last month's quarter, the other none
    q_label = f"{last_month.year}年第{(last_month.month - 1) // 3 + 1}季度"
    mine = next(q for q in rows[VILLAGE]["village_affairs"] if q["quarter"] == q_label)
    theirs = next(q for q in rows[other.code]["village_affairs"] if q["quarter"] == q_label)
    assert mine["status"] == "done"
    assert theirs["status"] in ("missing", "open")
    # the minimum is the administrator's rule
    OfficeRule.objects.create(key="activity_monthly_minimum", value=4)
    table = api("township_officer").get(f"{BASE}/monthly", {"unit": township.pk}).json()
    rows = {r["unit"]["code"]: r for r in table["rows"]}
    short = next(c for c in rows[other.code]["months"] if c["month"] == last_month.replace(day=1).isoformat())
    assert not short["below"]


def test_monthly_counts_are_scoped(api: Any) -> None:
    township = _unit(TOWNSHIP)
    assert api("township2_officer").get(f"{BASE}/monthly", {"unit": township.pk}).status_code == 404
    assert api("county_officer").get(f"{BASE}/monthly", {"unit": township.pk}).status_code == 200


def test_one_record_is_read_within_view_scope(api: Any) -> None:
    a = api("village_officer").post(BASE, _body()).json()
    assert api("county_officer").get(f"{BASE}/{a['id']}").json()["name"] == "治安巡逻"
    assert api("township2_officer").get(f"{BASE}/{a['id']}").status_code == 404


def test_demo_leaves_one_short_village_the_township_sees(api: Any) -> None:
    from zongzhi.office.demo_activities import build_demo

    written = build_demo()["activities"]
    assert written > 100
    assert build_demo() == {"activities": 0}  # once only
    township = _unit(TOWNSHIP)
    table = api("township_officer").get(f"{BASE}/monthly", {"unit": township.pk}).json()
    villages = [r for r in table["rows"] if not r["is_root"]]
    short = [r for r in villages if r["below_months"] > 0]
    assert len(short) == 1 and short[0]["unit"]["code"] != VILLAGE
    assert any(q["status"] == "missing" for q in short[0]["village_affairs"]), short[0]
    others = [r for r in villages if r is not short[0]]
    assert all(q["status"] != "missing" for r in others for q in r["village_affairs"])
    assert Activity.objects.filter(unit__code=VILLAGE, withdrawn_at__isnull=False).count() == 1
    assert OfficeAttachment.objects.filter(owner="activity").count() > 5  # 冯墙社区's recent ones carry photos
