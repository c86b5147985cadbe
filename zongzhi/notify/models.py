"""In-app notifications (the bell) and the SMS messages sent through the gateway."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One message to one user; unread until they open it."""

    user = models.ForeignKey("units.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, verbose_name="类型")
    title = models.CharField(max_length=120, verbose_name="标题")
    body = models.CharField(max_length=500, blank=True, verbose_name="内容")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Where the notice leads when it is not about a case: the console path of the record
    # (e.g. "/alerts/warnings/12"); the phone maps it to its own page.
    link = models.CharField(max_length=200, blank=True, verbose_name="链接")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "read_at", "-id"], name="notification_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title}"


class SmsMessage(models.Model):
    """An SMS handed to the gateway, kept for troubleshooting (phone stored masked)."""

    phone_masked = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    backend = models.CharField(max_length=20)
    status = models.CharField(max_length=12, default="sent")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "短信"
        verbose_name_plural = "短信"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.status}"


class PendingNotice(models.Model):
    """A notice to the staff of a holder, written with the action that causes it and delivered
    in batches by the background job (a transactional outbox: committed with the case, never
    lost, and the request pays for one plain insert)."""

    unit = models.BigIntegerField()
    department = models.BigIntegerField(null=True)
    reason = models.CharField(max_length=24)
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=500, blank=True)
    case = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"

    def __str__(self) -> str:
        return f"{self.reason} → {self.unit}/{self.department}"
