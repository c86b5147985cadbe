"""The audit log.

One append-only table holds both layers: `change` rows are field-level before/after records
written automatically for every model that opts in (ChangeLoggedModel), `event` rows are
business events written explicitly by services (logins, denials, unmasking, exports, moves).
Keeping both in one table lets the auditor search them together. UPDATE is refused by a
database trigger, and so is DELETE of a row younger than the retention period, on SQLite and on
PostgreSQL alike (see migration 0002).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from zongzhi.core.fields import PathField
from zongzhi.core.masking import mask_value


class AuditLog(models.Model):
    """One audit entry (变更记录 or 业务事件)."""

    class Layer(models.TextChoices):
        CHANGE = "change", "变更记录"
        EVENT = "event", "业务事件"

    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name="时间")
    layer = models.CharField(max_length=8, choices=Layer.choices, verbose_name="类别")
    action = models.CharField(max_length=64, verbose_name="操作")
    user_id = models.BigIntegerField(null=True, blank=True, verbose_name="用户ID")
    username = models.CharField(max_length=150, blank=True, verbose_name="用户名")
    actor_path = PathField(blank=True, verbose_name="操作人所属辖区")
    object_type = models.CharField(max_length=64, blank=True, verbose_name="对象类型")
    object_id = models.CharField(max_length=64, blank=True, verbose_name="对象ID")
    object_repr = models.CharField(max_length=200, blank=True, verbose_name="对象")
    object_path = PathField(blank=True, db_index=True, verbose_name="对象所属辖区")
    changes = models.JSONField(null=True, blank=True, verbose_name="字段变更")
    detail = models.JSONField(default=dict, blank=True, verbose_name="详情")
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name="IP")
    request_id = models.CharField(max_length=32, blank=True, verbose_name="请求ID")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        # Every audited action inserts here, so only the indexes the auditor's searches use
        # (api._filtered): time, action (equal or a prefix: one pattern index serves both on
        # PostgreSQL), user name, object, and the object's place.
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["action"], name="audit_action_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["username"], name="audit_username_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)


def audit_value(value: Any) -> Any:
    """A JSON-safe copy of a field value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [audit_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): audit_value(v) for k, v in value.items()}
    return str(value)


class ChangeLoggedModel(models.Model):
    """Opt-in for automatic field-level change records.

    `audit_exclude` lists fields never copied into the log (password hashes, secrets);
    `audit_mask` lists personal fields whose values are logged masked.
    """

    audit_exclude: ClassVar[frozenset[str]] = frozenset()
    audit_mask: ClassVar[frozenset[str]] = frozenset()
    # The values as loaded (cheap: kept by reference, turned into a snapshot only when the
    # object is saved). JSON fields must be reassigned, not mutated in place, to be compared.
    _audit_loaded: dict[str, Any]
    _audit_saved: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values, strict=False))
        return instance

    def audit_state(self, source: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON-safe field values (from the instance, or from `source` keyed by attname)."""
        state: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude:
                continue
            if source is None:
                if field.attname not in self.__dict__:
                    continue  # deferred field: not loaded, not compared
                raw = getattr(self, field.attname)
            else:
                if field.attname not in source:
                    continue
                raw = source[field.attname]
            value = audit_value(raw)
            if field.name in self.audit_mask and value:
                value = mask_value(str(value))
            state[field.name] = value
        return state

    def audit_before(self) -> dict[str, Any]:
        """The state this object had in the database before the current save."""
        saved = self.__dict__.get("_audit_saved")
        if saved is not None:
            return dict(saved)
        loaded = self.__dict__.get("_audit_loaded")
        return self.audit_state(loaded) if loaded is not None else {}

    def audit_path(self) -> str:
        """The unit path this object belongs to, for searching the log by unit."""
        return str(getattr(self, "path", "") or "")


class AuditSeal(models.Model):
    """The chain link of one audit entry, written by the sealing job (`audit/chain.py`).

    `mac` is HMAC-SM3(ZONGZHI_AUDIT_KEY, previous link's mac || the entry's canonical bytes),
    so nobody without the key (kept apart from the database) can forge, change or drop an
    entry without breaking the chain. `prev_id` names the previous sealed entry, so a link
    removed together with its entry shows as a gap. `at` copies the entry's time, to tell an
    entry purged after the retention period from one deleted. Append-only like the log itself
    (migration 0004): UPDATE, DELETE and TRUNCATE are refused.
    """

    entry_id = models.BigIntegerField(primary_key=True, verbose_name="审计记录ID")
    prev_id = models.BigIntegerField(null=True, blank=True, verbose_name="前一条记录ID")
    at = models.DateTimeField(db_index=True, verbose_name="记录时间")
    mac = models.BinaryField(max_length=32, verbose_name="校验码")
    sealed_at = models.DateTimeField(default=timezone.now, verbose_name="封存时间")

    class Meta:
        verbose_name = "审计日志封存"
        verbose_name_plural = "审计日志封存"

    def __str__(self) -> str:
        return f"seal {self.entry_id}"


class AuditSealState(models.Model):
    """The sealing job's bookkeeping: one row (pk 1), the only audit table that is updated.

    `target_id` is the highest entry id that may be sealed: no entry with a lower id can still
    commit. On PostgreSQL a run remembers `mark_id` (the highest committed id it saw) and
    `mark_xid` (a transaction id taken just after that look); a later run moves `target_id` up
    to `mark_id` once every other transaction with a lower id has ended. Changing this row can at worst delay sealing
    or make a late entry look forged; it cannot make a forged chain verify.
    """

    id = models.SmallIntegerField(primary_key=True, default=1)
    target_id = models.BigIntegerField(default=0)
    mark_id = models.BigIntegerField(null=True, blank=True)
    mark_xid = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "审计日志封存进度"
        verbose_name_plural = "审计日志封存进度"

    def __str__(self) -> str:
        return f"sealing up to {self.target_id}"
