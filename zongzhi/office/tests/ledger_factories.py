"""Office records written straight to the database for the ledgers' and the calendar's tests
(the parts' services live on other branches): one helper per kind, sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zongzhi.office.models import Activity, Document, DocumentRecipient, Meeting, WorkLog
from zongzhi.units.models import Unit, User


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def meeting(unit: Unit, user: User, day: dt.date, **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "kind": "regular",
        "name": "综治工作例会",
        "location": "村委会会议室",
        "attendees": "村两委成员",
        "topic": "部署本月综治工作",
        "content": "学习上级文件，排查矛盾纠纷。",
        **extra,
    }
    return Meeting.objects.create(unit=unit, path=unit.path, held_at=at(day), created_by=user, **fields)


def activity(unit: Unit, user: User, day: dt.date, **extra: Any) -> Activity:
    fields: dict[str, Any] = {
        "kind": "publicity",
        "name": "反诈宣传",
        "location": "村广场",
        "topic": "防范电信诈骗",
        **extra,
    }
    return Activity.objects.create(unit=unit, path=unit.path, held_on=day, created_by=user, **fields)


def work_log(unit: Unit, user: User, day: dt.date, **extra: Any) -> WorkLog:
    fields: dict[str, Any] = {"title": "走访独居老人", "content": "上门了解情况。", **extra}
    return WorkLog.objects.create(unit=unit, path=unit.path, author=user, logged_on=day, **fields)


def document(sender: Unit, user: User, day: dt.date, recipients: list[Unit], **extra: Any) -> Document:
    fields: dict[str, Any] = {
        "kind": "notice",
        "category": "other",
        "issuer_label": f"{sender.name}综治中心",
        "title": "关于开展矛盾纠纷排查的通知",
        **extra,
    }
    doc = Document.objects.create(
        sender_unit=sender,
        sender_user=user,
        path=sender.path,
        year=day.year,
        issued_on=day,
        sent_at=at(day),
        recipient_count=len(recipients),
        **fields,
    )
    for unit in recipients:
        DocumentRecipient.objects.create(
            document=doc, unit=unit, sign_due_at=at(day) + dt.timedelta(hours=doc.sign_hours)
        )
    return doc
