"""Documents and notices (公文流转): issue, recipients in scope, 文号 once a year, sign, read,
reply, the sign-off status page with 超时, remind, withdraw, the in-tray and the late receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from zongzhi.audit.models import AuditLog
from zongzhi.notify.models import Notification
from zongzhi.units.models import Department, Unit, User

from ..models import Document, DocumentRecipient
from ..services_documents import late_receipts

pytestmark = pytest.mark.django_db

D = "/api/office/documents"
V1, V2, V3 = "320111003001", "320111003002", "320111003003"


def _body(units: list[Unit], **extra: Any) -> dict[str, Any]:
    return {"kind": "notice", "title": "关于开展矛盾纠纷排查的通知", "unit_ids": [u.pk for u in units], **extra}


@pytest.fixture
def villages(unit: Callable[[str], Unit]) -> list[Unit]:
    return [unit(V1), unit(V2), unit(V3)]


@pytest.fixture
def sent(api: Callable[..., Any], villages: list[Unit]) -> dict[str, Any]:
    r = api("township_officer").post(D, _body(villages, number="沿综通〔2026〕1号", sign_hours=24))
    assert r.status_code == 201, r.content
    body: dict[str, Any] = r.json()
    return body


def _backdate(document_id: int, unit: Unit, hours: int) -> None:
    """Move one recipient's limit into the past (as if sent `hours` + 24 hours ago)."""
    DocumentRecipient.objects.filter(document_id=document_id, unit=unit).update(
        sign_due_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_issue_sends_to_the_villages_with_a_derived_label_and_a_notice(
    api: Callable[..., Any], villages: list[Unit], sent: dict[str, Any], audit_since: Any
) -> None:
    assert sent["issuer_label"] == "沿江街道通知"
    assert sent["recipient_count"] == 3 and sent["signed_count"] == 0
    rows = DocumentRecipient.objects.filter(document_id=sent["id"])
    assert {r.unit_id for r in rows} == {v.pk for v in villages}
    due = rows[0].sign_due_at - Document.objects.get(pk=sent["id"]).sent_at
    assert due == dt.timedelta(hours=24)
    village_officer = User.objects.get(username="village_officer")
    notice = Notification.objects.filter(user=village_officer, kind="office_document").latest("id")
    assert "请在24小时内签收" in notice.body and notice.link == f"/office/documents/{sent['id']}"
    # A 文件 of a township is "<unit>综治委文件"; the default limit is the rule's.
    r = api("township_officer").post(D, {"kind": "document", "title": "年度工作计划", "category": "plan"})
    assert r.status_code == 201 and r.json()["issuer_label"] == "沿江街道综治委文件"
    assert r.json()["recipient_count"] == 0  # kept as a ledger record of the unit's own
    assert Document.objects.get(pk=r.json()["id"]).sign_hours == 24


def test_recipient_outside_the_scope_is_refused_naming_it(api: Callable[..., Any], unit: Any) -> None:
    other = unit("320111004001")  # a village of 江浦街道
    r = api("township_officer").post(D, _body([unit(V1), other]))
    assert r.status_code == 400
    assert r.json()["code"] == "recipient_out_of_scope" and other.name in r.json()["message"]
    # The township itself (not below the sender) is refused too; nothing was written.
    r = api("village_officer").post(D, _body([unit("320111003")]))
    assert r.json()["code"] == "recipient_out_of_scope"
    assert not Document.objects.filter(title="关于开展矛盾纠纷排查的通知").exists()


def test_duplicate_number_for_the_same_unit_and_year_is_refused(
    api: Callable[..., Any], villages: list[Unit], sent: dict[str, Any]
) -> None:
    r = api("township_officer").post(D, _body(villages, number="沿综通〔2026〕1号"))
    assert r.status_code == 400 and r.json()["code"] == "document_number_exists"
    # Another year, or another unit, may use it.
    last_year = timezone.localdate().replace(year=timezone.localdate().year - 1, day=1)
    r = api("township_officer").post(D, _body(villages, number="沿综通〔2026〕1号", issued_on=last_year.isoformat()))
    assert r.status_code == 201


def test_bad_input_gets_a_chinese_message_and_a_code(api: Callable[..., Any], villages: list[Unit]) -> None:
    client = api("township_officer")
    r = client.post(D, _body(villages, title="  "))
    assert r.status_code == 400 and r.json()["code"] == "required"
    r = client.post(D, _body(villages, reply_required=True))
    assert r.json()["code"] == "reply_due_required"
    r = client.post(D, _body(villages, sign_hours=0))
    assert r.json()["code"] == "invalid_sign_hours"
    r = client.post(D, _body(villages, kind="memo"))
    assert r.status_code in (400, 422)


def test_sign_once_by_the_recipient_only_with_system_time(
    api: Callable[..., Any], officer: Any, sent: dict[str, Any], audit_since: Any
) -> None:
    doc = sent["id"]
    # The sender does not sign for a village; a village that is not a recipient cannot see it.
    assert api("township_officer").post(f"{D}/{doc}/sign").status_code == 403
    stranger = officer("stranger_v", "320111004001")
    assert stranger.get(f"{D}/{doc}").status_code == 404
    before = timezone.now()
    r = api("village_officer").post(f"{D}/{doc}/sign")
    assert r.status_code == 200, r.content
    mine = r.json()["my_row"]
    assert mine["signed_by"] == "李娜" and dt.datetime.fromisoformat(mine["signed_at"]) >= before
    assert mine["late"] is False and r.json()["signed_count"] == 1 and r.json()["can_sign"] is False
    again = api("village_officer").post(f"{D}/{doc}/sign")
    assert again.status_code == 400 and again.json()["code"] == "already_signed"
    assert [e.action for e in audit_since("office.document_signed")] == ["office.document_signed"]


def test_first_opening_sets_the_read_receipt(api: Callable[..., Any], sent: dict[str, Any]) -> None:
    doc = sent["id"]
    api("township_officer").get(f"{D}/{doc}")  # the sender's reading is not a receipt
    row = DocumentRecipient.objects.get(document_id=doc, unit__code="320111003001")
    assert row.first_read_at is None
    api("village_officer").get(f"{D}/{doc}")
    row.refresh_from_db()
    first = row.first_read_at
    assert first is not None and row.read_by and row.read_by.username == "village_officer"
    api("village_officer").get(f"{D}/{doc}")
    row.refresh_from_db()
    assert row.first_read_at == first


def test_status_page_shows_late_and_filters(
    api: Callable[..., Any], officer: Any, villages: list[Unit], sent: dict[str, Any]
) -> None:
    doc = sent["id"]
    api("village_officer").post(f"{D}/{doc}/sign")  # on time
    _backdate(doc, villages[1], 2)
    second = officer("v2_officer", V2)
    second.post(f"{D}/{doc}/sign")  # after its limit: late
    _backdate(doc, villages[2], 1)  # unsigned and past its limit: late
    r = api("township_officer").get(f"{D}/{doc}/recipients")
    assert r.status_code == 200
    body = r.json()
    assert body["counts"] == {"total": 3, "signed": 2, "unsigned": 1, "late": 2, "read": 2, "replied": 0}
    by_unit = {i["unit"]["id"]: i for i in body["items"]}
    assert by_unit[villages[0].pk]["late"] is False and by_unit[villages[0].pk]["signed_by"] == "李娜"
    assert by_unit[villages[1].pk]["late"] is True and by_unit[villages[1].pk]["signed_at"]
    assert by_unit[villages[2].pk]["late"] is True and by_unit[villages[2].pk]["signed_at"] is None
    late = api("township_officer").get(f"{D}/{doc}/recipients", {"status": "late"}).json()["items"]
    assert {i["unit"]["id"] for i in late} == {villages[1].pk, villages[2].pk}
    unsigned = api("township_officer").get(f"{D}/{doc}/recipients", {"status": "unsigned"}).json()["items"]
    assert [i["unit"]["id"] for i in unsigned] == [villages[2].pk]
    # The county above reads it too; a recipient village does not.
    assert api("county_officer").get(f"{D}/{doc}/recipients").status_code == 200
    assert api("village_officer").get(f"{D}/{doc}/recipients").status_code == 403
    # The sent list counts them.
    row = next(i for i in api("township_officer").get(D, {"box": "sent"}).json()["items"] if i["id"] == doc)
    assert (row["signed_count"], row["recipient_count"], row["late_count"]) == (2, 3, 2)


def test_remind_notifies_the_unsigned_only(
    api: Callable[..., Any], officer: Any, villages: list[Unit], sent: dict[str, Any]
) -> None:
    second = officer("v2_remind", V2)
    second.post(f"{D}/{sent['id']}/sign")
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    r = api("township_officer").post(f"{D}/{sent['id']}/remind")
    assert r.status_code == 200 and r.json() == {"reminded": 2}
    told = set(
        Notification.objects.filter(id__gt=before, title__startswith="催签").values_list("user__unit_id", flat=True)
    )
    assert villages[0].pk in told and villages[1].pk not in told
    assert api("village_officer").post(f"{D}/{sent['id']}/remind").status_code == 403


def test_withdrawn_document_shows_and_cannot_be_signed(api: Callable[..., Any], sent: dict[str, Any]) -> None:
    doc = sent["id"]
    r = api("township_officer").post(f"{D}/{doc}/withdraw", {"reason": "内容有误，重新发文"})
    assert r.status_code == 200 and r.json()["withdrawn"] is True
    seen = api("village_officer").get(f"{D}/{doc}").json()
    assert seen["withdrawn"] and seen["withdrawn_reason"] == "内容有误，重新发文" and seen["can_sign"] is False
    r = api("village_officer").post(f"{D}/{doc}/sign")
    assert r.status_code == 400 and r.json()["code"] == "document_withdrawn"
    inbox = api("village_officer").get(D, {"box": "inbox"}).json()["items"]
    assert next(i for i in inbox if i["id"] == doc)["withdrawn"] is True
    assert Document.objects.filter(pk=doc).exists()  # nothing deleted


def test_reply_with_material_before_and_after_the_deadline(
    api: Callable[..., Any], officer: Any, villages: list[Unit]
) -> None:
    due = timezone.now() + dt.timedelta(days=2)
    r = api("township_officer").post(
        D, _body(villages[:2], title="报送半年小结", reply_required=True, reply_due_at=due.isoformat())
    )
    doc = r.json()["id"]
    r = api("village_officer").post(f"{D}/{doc}/reply", {"note": "已报送，见附件"})
    assert r.status_code == 200 and r.json()["my_row"]["reply_late"] is False
    assert api("village_officer").post(f"{D}/{doc}/reply", {"note": "再报"}).json()["code"] == "already_replied"
    # The deadline passes (the first reply came two hours before it).
    DocumentRecipient.objects.filter(document_id=doc, replied_at__isnull=False).update(
        replied_at=timezone.now() - dt.timedelta(hours=3)
    )
    Document.objects.filter(pk=doc).update(reply_due_at=timezone.now() - dt.timedelta(hours=1))
    r = officer("v2_reply", V2).post(f"{D}/{doc}/reply", {"note": "迟报"})
    assert r.status_code == 200 and r.json()["my_row"]["reply_late"] is True
    items = api("township_officer").get(f"{D}/{doc}/recipients").json()["items"]
    assert sorted(i["reply_late"] for i in items) == [False, True]
    # A document that asks for nothing takes no reply.
    plain = api("township_officer").post(D, _body(villages[:1], title="普通通知")).json()["id"]
    assert api("village_officer").post(f"{D}/{plain}/reply", {"note": "x"}).json()["code"] == "reply_not_required"


def test_inbox_lists_unsigned_first_in_pages(api: Callable[..., Any], villages: list[Unit]) -> None:
    township = api("township_officer")
    ids = [township.post(D, _body(villages[:1], title=f"通知{i}")).json()["id"] for i in range(5)]
    village = api("village_officer")
    village.post(f"{D}/{ids[4]}/sign")
    village.post(f"{D}/{ids[3]}/sign")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"box": "inbox", "limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = village.get(D, params).json()
        seen += [i["id"] for i in page["items"] if i["id"] in ids]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [ids[2], ids[1], ids[0], ids[4], ids[3]]
    unsigned = village.get(D, {"box": "inbox", "status": "unsigned"}).json()["items"]
    assert {i["id"] for i in unsigned} >= {ids[0], ids[1], ids[2]} and ids[4] not in {i["id"] for i in unsigned}
    assert village.get(f"{D}/total", {"box": "inbox", "q": "通知"}).json()["count"] >= 5


def test_lists_filter_by_category_kind_and_keyword(api: Callable[..., Any], unit: Any) -> None:
    township = api("township_officer")
    township.post(
        D, {"kind": "document", "title": "综治目标管理责任书", "category": "responsibility", "keywords": "责任"}
    )
    township.post(D, {"kind": "briefing", "title": "综治简报第三期", "category": "briefing"})
    ledger = township.get(D, {"box": "all", "category": "responsibility", "unit": unit("320111003").pk}).json()
    assert [i["title"] for i in ledger["items"]] == ["综治目标管理责任书"]
    assert ledger["items"][0]["category_label"] == "目标管理责任书"
    briefs = township.get(D, {"box": "sent", "kind": "briefing"}).json()["items"]
    assert [i["title"] for i in briefs] == ["综治简报第三期"]
    assert [i["title"] for i in township.get(D, {"box": "sent", "q": "责任"}).json()["items"]] == ["综治目标管理责任书"]
    # The county sees its township's ledger; the neighbouring township does not.
    assert api("county_officer").get(D, {"box": "all", "category": "responsibility"}).json()["items"]
    assert not api("township2_officer").get(D, {"box": "all", "category": "responsibility"}).json()["items"]


def test_departments_and_people_receive_and_sign(api: Callable[..., Any], unit: Any, station_user: Any) -> None:
    township = api("township_officer")
    station = Department.objects.get(unit__code="320111003000", name__endswith="派出所")
    person = User.objects.get(username="village_officer")
    r = township.post(D, _body([], department_ids=[station.pk], user_ids=[person.pk]))
    assert r.status_code == 201, r.content
    doc = r.json()["id"]
    assert station_user.post(f"{D}/{doc}/sign").status_code == 200
    assert api("village_officer").post(f"{D}/{doc}/sign").status_code == 200
    rows = api("township_officer").get(f"{D}/{doc}/recipients").json()["items"]
    assert {i["target"] for i in rows} == {"department", "user"} and all(i["signed_at"] for i in rows)


@pytest.fixture
def station_user(db: Any, api: Callable[..., Any]) -> Any:
    from zongzhi.units.models import Role

    station = Department.objects.get(unit__code="320111003000", name__endswith="派出所")
    user = User.objects.create(
        username="station_doc", full_name="民警", phone="", unit=station.unit, department=station
    )
    user.must_change_password = False
    user.save()
    user.roles.set(Role.objects.filter(code="department_user"))
    user.view_scope.set([station.unit])
    return api("station_doc")


def test_late_receipts_per_unit_and_month_and_the_table_above(
    api: Callable[..., Any], officer: Any, villages: list[Unit], sent: dict[str, Any]
) -> None:
    doc = sent["id"]
    api("village_officer").post(f"{D}/{doc}/sign")
    _backdate(doc, villages[1], 3)
    _backdate(doc, villages[2], 3)
    officer("v2_late", V2).post(f"{D}/{doc}/sign")
    month = timezone.localdate()
    # Rows due this month (a row backdated into last month counts there).
    rows = DocumentRecipient.objects.filter(document_id=doc)
    expect = {v.pk: 0 for v in villages}
    for r in rows:
        if (
            r.sign_due_at.astimezone(timezone.get_current_timezone()).month == month.month
            and r.unit_id != villages[0].pk
        ):
            expect[r.unit_id] = 1
    assert late_receipts([v.pk for v in villages], month) == expect
    table = api("township_officer").get(f"{D}/receipts", {"unit": villages[0].parent_id, "month": month.isoformat()})
    assert table.status_code == 200
    by_unit = {r["unit"]["id"]: r for r in table.json()["rows"]}
    assert by_unit[villages[0].pk]["late"] == 0 and by_unit[villages[0].pk]["signed"] == 1
    assert table.json()["total"]["late"] == sum(expect.values())
    # A withdrawn document's unsigned rows are no longer late.
    api("township_officer").post(f"{D}/{doc}/withdraw", {"reason": "撤回"})
    assert late_receipts([villages[2].pk], month)[villages[2].pk] == 0
    assert api("township2_officer").get(f"{D}/receipts", {"unit": villages[0].parent_id}).status_code == 404


def test_issue_leaves_nothing_half_written_on_a_bad_file(api: Callable[..., Any], villages: list[Unit]) -> None:
    before = Document.objects.count()
    r = api("township_officer").post(D, _body(villages, attachment_ids=[987654]))
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
    assert Document.objects.count() == before
    assert not AuditLog.objects.filter(action="office.document_issued", detail__number="x").exists()


def test_demo_has_three_months_with_a_late_village_the_township_sees(api: Callable[..., Any]) -> None:
    from ..demo_documents import LATE_VILLAGE, build_demo

    counts = build_demo()
    assert counts["documents"] == 15 and counts["withdrawn"] == 1 and counts["replies"] >= 5
    late = Unit.objects.get(code=LATE_VILLAGE)
    month_counts: dict[int, int] = {}
    today = timezone.localdate()
    for back in range(4):
        month = (today.replace(day=1) - dt.timedelta(days=back * 28)).replace(day=1)
        month_counts[back] = late_receipts([late.pk], month)[late.pk]
    assert sum(month_counts.values()) == 3  # signed late twice, one left unsigned past its limit
    first = Document.objects.order_by("sent_at").first()
    assert first is not None and (timezone.now() - first.sent_at).days >= 80
    table = api("township_officer").get(f"{D}/receipts", {"unit": late.parent_id, "month": today.isoformat()})
    assert table.status_code == 200
    unsigned = DocumentRecipient.objects.filter(unit=late, signed_at__isnull=True, document__withdrawn_at__isnull=True)
    assert unsigned.count() == 1
    assert build_demo() == {}  # once


def test_files_of_a_document_and_a_reply_open_for_sender_and_recipient_only(
    api: Callable[..., Any], officer: Any, villages: list[Unit], settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    township, village = api("township_officer"), api("village_officer")

    def upload(client: Any, name: str) -> int:
        r = client.client.post(
            "/api/office/uploads",
            {"file": SimpleUploadedFile(name, pdf, content_type="application/pdf")},
            headers=client._headers(),
        )
        assert r.status_code == 201, r.content
        return int(r.json()["id"])

    due = (timezone.now() + dt.timedelta(days=3)).isoformat()
    body = _body(villages[:1], reply_required=True, reply_due_at=due, attachment_ids=[upload(township, "通知.pdf")])
    doc = township.post(D, body).json()
    assert [f["name"] for f in doc["files"]] == ["通知.pdf"]
    file_url = doc["files"][0]["url"]
    assert village.get(file_url).status_code == 200  # a recipient opens it
    assert officer("stranger_f", "320111004001").get(file_url).status_code == 404
    r = village.post(f"{D}/{doc['id']}/reply", {"note": "见附件", "attachment_ids": [upload(village, "材料.pdf")]})
    assert r.json()["my_row"]["reply_files"][0]["name"] == "材料.pdf"
    row = township.get(f"{D}/{doc['id']}/recipients").json()["items"][0]
    assert row["reply_files"][0]["name"] == "材料.pdf"
    assert township.get(row["reply_files"][0]["url"]).status_code == 200
