"""Work logs (工作日志): own entries, withdrawal, and one click to a case, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.cases.models import Case
from zongzhi.office.models import WorkLog

pytestmark = pytest.mark.django_db


def _log(api: Any, who: str = "village_officer", **over: Any) -> dict[str, Any]:
    data = {"title": "调解邻里噪音纠纷", "content": "上门劝说双方，约定晚十点后不再装修。"}
    data.update(over)
    r = api(who).post("/api/office/work-logs", data)
    assert r.status_code == 201, r.content
    return dict(r.json())


def test_officer_writes_a_log_of_today(api: Any) -> None:
    out = _log(api)
    assert out["logged_on"] == timezone.localdate().isoformat()
    assert out["unit"]["code"] == "320111003001" and out["is_mine"] and out["case"] is None
    assert AuditLog.objects.filter(action="office.work_log_created").exists()
    seen = api("township_officer").get("/api/office/work-logs").json()["items"]
    assert out["id"] in [i["id"] for i in seen]
    assert all(not i["is_mine"] for i in seen if i["id"] == out["id"])


def test_future_day_and_empty_content_are_refused(api: Any) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = api("village_officer").post(
        "/api/office/work-logs", {"title": "走访", "content": "走访", "logged_on": tomorrow}
    )
    assert r.status_code == 400 and r.json()["code"] == "logged_in_future"
    r = api("village_officer").post("/api/office/work-logs", {"title": "走访", "content": " "})
    assert r.json()["errors"][0] == {"field": "content", "message": "请填写内容"}


def test_only_the_author_edits_or_withdraws(api: Any) -> None:
    out = _log(api)
    r = api("village_officer").put(f"/api/office/work-logs/{out['id']}", {"title": "调解纠纷", "content": "已调解"})
    assert r.status_code == 200 and r.json()["title"] == "调解纠纷"
    r = api("township_officer").put(f"/api/office/work-logs/{out['id']}", {"title": "改", "content": "改"})
    assert r.status_code == 403 and r.json()["code"] == "not_author"
    r = api("township_officer").post(f"/api/office/work-logs/{out['id']}/withdraw", {"reason": "误录"})
    assert r.status_code == 403
    r = api("village_officer").post(f"/api/office/work-logs/{out['id']}/withdraw", {"reason": "误录"})
    assert r.status_code == 200 and r.json()["withdrawn_reason"] == "误录"
    assert WorkLog.objects.filter(pk=out["id"]).exists()
    listed = api("village_officer").get("/api/office/work-logs", {"withdrawn": True}).json()["items"]
    assert [i["withdrawn_at"] is not None for i in listed if i["id"] == out["id"]] == [True]
    assert out["id"] not in [i["id"] for i in api("village_officer").get("/api/office/work-logs").json()["items"]]


def test_log_turns_into_a_case_once(api: Any) -> None:
    out = _log(api, title="江岸小区漏水引发邻里纠纷")
    r = api("village_officer").post(f"/api/office/work-logs/{out['id']}/convert", {"category_code": "0102"})
    assert r.status_code == 200, r.content
    case_out = r.json()["case"]
    case = Case.objects.get(pk=case_out["id"])
    assert case.kind == "event" and case.title == "江岸小区漏水引发邻里纠纷"
    assert "上门劝说双方" in case.description and case.category_code == "0102"
    assert case_out["number"] == case.number
    again = api("village_officer").post(f"/api/office/work-logs/{out['id']}/convert", {"category_code": "0102"})
    assert again.status_code == 409 and again.json()["code"] == "work_log_converted"
    assert Case.objects.filter(title="江岸小区漏水引发邻里纠纷").count() == 1
    withdraw = api("village_officer").post(f"/api/office/work-logs/{out['id']}/withdraw", {"reason": "误录"})
    assert withdraw.json()["code"] == "work_log_converted"


def test_only_the_logs_unit_converts_it(api: Any) -> None:
    out = _log(api)
    r = api("township_officer").post(f"/api/office/work-logs/{out['id']}/convert", {"category_code": "0102"})
    assert r.status_code == 403 and r.json()["code"] == "not_own_unit"
    assert WorkLog.objects.get(pk=out["id"]).case_id is None


def test_a_bad_category_converts_nothing(api: Any) -> None:
    out = _log(api)
    r = api("village_officer").post(f"/api/office/work-logs/{out['id']}/convert", {"category_code": "nope"})
    assert r.status_code == 400
    assert WorkLog.objects.get(pk=out["id"]).case_id is None


def test_list_filters(api: Any) -> None:
    a = _log(api, title="走访独居老人")
    b = _log(api, title="排查出租屋", logged_on=(timezone.localdate() - dt.timedelta(days=3)).isoformat())
    client = api("township_officer")
    ids = lambda **q: [i["id"] for i in client.get("/api/office/work-logs", q).json()["items"]]  # noqa: E731
    assert ids(q="出租屋") == [b["id"]]
    assert ids(since=timezone.localdate().isoformat()) == [a["id"]]
    officer = a["author"]["id"]
    assert set(ids(author=officer)) == {a["id"], b["id"]}
    assert ids(mine=True) == []
    assert client.get("/api/office/work-logs/total").json()["count"] == 2


def test_list_query_count_is_flat(api: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        _log(api, title=f"走访{i}")
    converted = _log(api, title="邻里纠纷调解")
    api("village_officer").post(f"/api/office/work-logs/{converted['id']}/convert", {"category_code": "0102"})
    client = api("township_officer")
    client.get("/api/office/work-logs")  # warm the session
    with django_assert_max_num_queries(10):
        r = client.get("/api/office/work-logs")
    assert len(r.json()["items"]) == 6
