"""The bell: a user's own notifications."""

# No `from __future__ import annotations` here: django-ninja reads handler signatures at
# import time.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from zongzhi.core.access import acting
from zongzhi.core.pagination import LimitOffset

from . import services
from .models import Notification
from .schemas import MarkReadIn, NotificationOut, UnreadOut

router = Router(tags=["通知"])


@router.get("", response=list[NotificationOut])
@paginate(LimitOffset)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=acting(request))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> dict[str, int]:
    """Polled by the console's bell and the phone's home page."""
    return {"unread": services.unread_count(acting(request))}


@router.post("/read", response=UnreadOut)
def mark_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    user = acting(request)
    services.mark_read(user, payload.ids)
    return {"unread": services.unread_count(user)}
