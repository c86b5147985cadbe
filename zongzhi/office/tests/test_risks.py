"""Stability risk assessments: registered, moved through the steps in order with notes, days and
files, graded, decided, withdrawn with a reason; listed with filters and counted per unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zongzhi.office import services_risks as risks
from zongzhi.office.models import RiskAssessment
from zongzhi.units.models import Unit, User

pytestmark = pytest.mark.django_db

VILLAGE = "320111003001"
TOWNSHIP = "320111003000"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def register(client: Any, code: str = TOWNSHIP, title: str = "滨江片区旧城改造项目") -> dict[str, Any]:
    r = client.post(
        "/api/office/risks/assessments",
        {
            "unit_id": unit(code).pk,
            "subject": "project",
            "title": title,
            "description": "涉及居民三百余户",
            "group_members": "王强、李娜",
        },
    )
    assert r.status_code == 201, r.json()
    return r.json()  # type: ignore[no-any-return]


def step(client: Any, pk: int, name: str, **extra: Any) -> Any:
    body = {"step": name, "note": f"{name}完成", "done_on": timezone.localdate().isoformat(), **extra}
    return client.post(f"/api/office/risks/assessments/{pk}/steps", body)


def test_steps_are_completed_in_order_with_files_then_graded_and_decided(api: Any) -> None:
    client = api("township_officer")
    a = register(client)
    assert a["step"] == "define" and a["steps_done"] == 0 and a["can_edit"]
    out_of_order = step(client, a["id"], "plan")
    assert out_of_order.status_code == 400 and out_of_order.json()["code"] == "risk_step_order"
    upload = client.client.post(
        "/api/office/uploads",
        {"file": SimpleUploadedFile("评估方案.pdf", PDF, content_type="application/pdf")},
        headers=client._headers(),
    )
    assert upload.status_code == 201, upload.json()
    assert step(client, a["id"], "define").status_code == 200
    done = step(client, a["id"], "plan", attachment_ids=[upload.json()["id"]]).json()
    assert [s["step"] for s in done["steps"]] == ["define", "plan"]
    assert done["steps"][1]["files"][0]["name"] == "评估方案.pdf"
    assert done["step"] == "investigate" and done["step_label"] == "组织调查"
    for name in ("investigate", "analyse"):
        assert step(client, a["id"], name).status_code == 200
    no_level = step(client, a["id"], "grade")
    assert no_level.status_code == 400 and no_level.json()["code"] == "risk_level_required"
    graded = step(client, a["id"], "grade", risk_level="medium").json()
    assert graded["risk_level"] == "medium" and graded["risk_level_label"] == "中风险"
    step(client, a["id"], "report")
    no_decision = step(client, a["id"], "approve")
    assert no_decision.status_code == 400 and no_decision.json()["code"] == "risk_decision_required"
    final = step(client, a["id"], "approve", decision="conditional").json()
    assert final["completed_at"] and final["decision_label"].startswith("暂缓实施")
    assert final["step_label"] == "已完成" and final["steps_done"] == 7 and not final["can_edit"]
    again = step(client, a["id"], "approve", decision="proceed")
    assert again.status_code == 409
    # The file opens for the township and the county, not for another township.
    file_url = done["steps"][1]["files"][0]["url"]
    assert client.get(file_url).status_code == 200
    assert api("county_officer").get(file_url).status_code == 200
    assert api("township2_officer").get(file_url).status_code == 404


def test_a_future_day_is_refused(api: Any) -> None:
    client = api("township_officer")
    a = register(client)
    r = step(client, a["id"], "define", done_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())
    assert r.status_code == 400 and r.json()["code"] == "date_in_future"


def test_withdrawn_with_a_reason_stays_listed_and_is_frozen(api: Any) -> None:
    client = api("township_officer")
    a = register(client, title="撤回测试事项")
    empty = client.post(f"/api/office/risks/assessments/{a['id']}/withdraw", {"reason": " "})
    assert empty.status_code == 400
    w = client.post(f"/api/office/risks/assessments/{a['id']}/withdraw", {"reason": "重复登记"}).json()
    assert w["withdrawn_at"] and w["withdrawn_reason"] == "重复登记" and w["withdrawn_by"]
    assert step(client, a["id"], "define").status_code == 409
    listed = client.get("/api/office/risks/assessments", {"q": "撤回测试"}).json()
    assert listed["count"] == 1 and listed["items"][0]["withdrawn_reason"] == "重复登记"
    assert client.get("/api/office/risks/assessments", {"q": "撤回测试", "status": "in_progress"}).json()["count"] == 0


def test_list_filters_and_scope(api: Any) -> None:
    township = api("township_officer")
    a = register(township, title="甲项目")
    register(township, title="乙决策")
    for name in ("define", "plan", "investigate", "analyse"):
        step(township, a["id"], name)
    step(township, a["id"], "grade", risk_level="high")
    listed = township.get("/api/office/risks/assessments", {"level": "high"}).json()
    assert [i["title"] for i in listed["items"]] == ["甲项目"]
    assert township.get("/api/office/risks/assessments", {"q": "乙"}).json()["count"] == 1
    year = timezone.localdate().year
    assert township.get("/api/office/risks/assessments", {"year": year - 1, "q": "甲"}).json()["count"] == 0
    # The village does not see the township's; the other township neither; the county does.
    assert api("village_officer").get(f"/api/office/risks/assessments/{a['id']}").status_code == 404
    assert api("township2_officer").get(f"/api/office/risks/assessments/{a['id']}").status_code == 404
    assert api("county_officer").get(f"/api/office/risks/assessments/{a['id']}").status_code == 200
    # The county reads but does not write the township's.
    assert api("leader").post(f"/api/office/risks/assessments/{a['id']}/withdraw", {"reason": "x"}).status_code == 403


def test_counts_per_unit_and_year(api: Any) -> None:
    township = unit(TOWNSHIP)
    officer = User.objects.get(username="township_officer")
    high = risks.register(officer, township, subject="decision", title="甲")
    for name in ("define", "plan", "investigate", "analyse"):
        high = risks.complete_step(officer, high, step=name, note="", done_on=timezone.localdate())
    risks.complete_step(officer, high, step="grade", note="", done_on=timezone.localdate(), risk_level="high")
    risks.register(officer, unit(VILLAGE), subject="matter", title="乙")
    gone = risks.register(officer, township, subject="matter", title="丙")
    risks.withdraw(officer, gone, "录错")
    year = timezone.localdate().year
    counts = risks.risk_assessment_counts([township.pk, unit(VILLAGE).pk], year)
    assert counts[township.pk]["total"] == 2 and counts[township.pk]["high"] == 1
    assert counts[unit(VILLAGE).pk] == {"total": 1, "done": 0, "in_progress": 1, "high": 0, "medium": 0, "low": 0}
    assert risks.risk_assessment_counts([township.pk], year - 1)[township.pk]["total"] == 0
    data = api("county_officer").get("/api/office/risks/counts", {"unit": township.parent_id, "year": year}).json()
    row = next(r for r in data["rows"] if r["unit"]["id"] == township.pk)
    assert row["total"] == 2 and row["high"] == 1 and row["in_progress"] == 2
    own = api("township_officer").get("/api/office/risks/counts").json()["rows"][0]
    assert own["own"] and own["total"] == 1  # the township's own, without the village's


def test_bad_input_is_a_clear_message(api: Any) -> None:
    client = api("township_officer")
    r = client.post(
        "/api/office/risks/assessments", {"unit_id": unit(TOWNSHIP).pk, "subject": "project", "title": "  "}
    )
    assert r.status_code == 400 and r.json()["code"] == "required" and "评估事项" in r.json()["message"]
    assert RiskAssessment.objects.filter(title="").count() == 0


def test_the_demo_has_a_finished_and_an_ongoing_assessment(api: Any) -> None:
    from zongzhi.office.demo_risks import build_demo

    assert build_demo()["assessments"] == 4
    items = api("township_officer").get("/api/office/risks/assessments").json()["items"]
    by_title = {i["title"]: i for i in items if not i["withdrawn_at"]}
    finished = by_title["滨江片区老旧小区改造项目"]
    assert finished["risk_level"] == "medium" and finished["decision"] == "conditional"
    assert by_title["沿江农贸市场整体搬迁"]["step"] == "investigate"
    assert any(i["withdrawn_reason"] == "重复登记" for i in items)
    detail = api("township_officer").get(f"/api/office/risks/assessments/{finished['id']}").json()
    assert len(detail["steps"]) == 7 and detail["steps"][1]["files"]
