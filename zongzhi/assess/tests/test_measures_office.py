"""日常办公 (seed 003 第八条): at least 10 activity records a month, documents signed on time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zongzhi.office.models import DocumentRecipient
from zongzhi.office.tests.ledger_factories import activity, document
from zongzhi.units.models import User

from .measures_factories import G1, V1, V2, T, at, get, last_month, run, texts, this_month

pytestmark = pytest.mark.django_db


def test_ten_activities_a_month_score_full_and_nine_lose_half_a_point() -> None:
    p = last_month()
    v1, officer = get(V1), User.objects.get(username="village_officer")
    for n in range(9):
        activity(v1 if n % 2 else get(G1), officer, p.start + dt.timedelta(days=n))  # a grid's count for the village
    activity(get(V2), officer, p.start, name="邻村活动")  # the sibling's
    withdrawn = activity(v1, officer, p.start)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save()
    activity(v1, officer, p.start - dt.timedelta(days=1))  # the month before
    m = run("office.activity_records", v1, p)
    assert m.deduction == pytest.approx(0.5)
    assert texts(m) == [f"{p.label}录入活动记录9条，少1条"] and m.shortfalls[0].link == "/office/activities"
    assert m.value == f"{p.start.month}月9条（每月要求≥10条）"
    activity(v1, officer, p.end - dt.timedelta(days=1))
    m = run("office.activity_records", v1, p)
    assert m.deduction == 0 and not m.shortfalls
    # none at all: ten short, 5 points (the engine caps at the item's points)
    assert run("office.activity_records", get(V2), p).deduction == pytest.approx(4.5)
    # the township is judged on its own ledger, not its villages'
    assert run("office.activity_records", get(T), p).deduction == pytest.approx(5)
    # the month in progress is not judged yet
    assert run("office.activity_records", v1, this_month()).waiting


def test_documents_signed_late_or_not_at_all_lose_half_a_point_each() -> None:
    p = last_month()
    t, v1, v2 = get(T), get(V1), get(V2)
    sender = User.objects.get(username="township_officer")
    officer = User.objects.get(username="village_officer")
    assert run("office.document_signoff", v1, p).waiting
    on_time = document(t, sender, p.start + dt.timedelta(days=2), [v1, v2], title="按时签收的通知")
    late = document(t, sender, p.start + dt.timedelta(days=5), [v1, v2], title="超时签收的通知")
    unsigned = document(t, sender, p.start + dt.timedelta(days=9), [v1, v2], title="未签收的通知")
    for doc, hours in ((on_time, 23), (late, 30)):
        for row in DocumentRecipient.objects.filter(document=doc):
            row.signed_at = row.sign_due_at - dt.timedelta(hours=24) + dt.timedelta(hours=hours)
            row.signed_by = officer
            row.save()
    # exactly at the limit is on time
    DocumentRecipient.objects.filter(document=on_time, unit=v1).update(signed_at=at(p.start + dt.timedelta(days=3)))
    m = run("office.document_signoff", v1, p)
    assert m.value == "应签收3份，超时或未签收2份" and m.deduction == pytest.approx(1.0)
    assert texts(m)[0].startswith(f"{v1.name}《超时签收的通知》超时签收")
    assert texts(m)[1].startswith(f"{v1.name}《未签收的通知》逾期未签收")
    assert [s.link for s in m.shortfalls] == [f"/office/documents/{late.pk}", f"/office/documents/{unsigned.pk}"]
    # a withdrawn document is not held against anyone
    unsigned.withdrawn_at = timezone.now()
    unsigned.save()
    assert run("office.document_signoff", v1, p).deduction == pytest.approx(0.5)
    # the sibling's receipts are its own; the township received none of these
    DocumentRecipient.objects.filter(unit=v2).update(signed_at=None)
    assert run("office.document_signoff", v1, p).deduction == pytest.approx(0.5)
    assert run("office.document_signoff", t, p).waiting
