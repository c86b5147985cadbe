"""The jurisdiction tree, departments, users, roles and login sessions."""

from __future__ import annotations

import functools
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.capabilities import ADMIN_KINDS, CAPABILITIES
from zongzhi.core.crypto import seal_optional, unseal
from zongzhi.core.fields import PathField
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import ScopedModel, ScopedQuerySet, minimal_roots


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"
    GRID = "grid", "网格"


LEVEL_ORDER: list[str] = [lv.value for lv in Level]
# Significant prefix length of the code at each level (GB/T 2260 2+2+2 then 3+3, grid +3).
PATH_LENGTH: dict[str, int] = {
    "province": 2,
    "city": 4,
    "county": 6,
    "township": 9,
    "village": 12,
    "grid": 15,
}
CODE_LENGTH: dict[str, int] = {level: (15 if level == "grid" else 12) for level in LEVEL_ORDER}


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class UnitQuerySet(ScopedQuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_retired=False)


class Unit(ScopedModel, ChangeLoggedModel):
    """A node of the jurisdiction tree (辖区): province down to grid.

    `code` is the administrative code (12 digits; a grid adds 3), `path` its significant
    prefix; records below this unit store a `path` that starts with this one.
    """

    code = models.CharField(max_length=15, unique=True, verbose_name="区划代码")
    name = models.CharField(max_length=100, verbose_name="名称")
    level = models.CharField(max_length=10, choices=Level.choices, verbose_name="层级")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级"
    )
    path = PathField(unique=True, verbose_name="路径")
    boundary = models.JSONField(null=True, blank=True, verbose_name="边界(GeoJSON)")
    sort = models.IntegerField(default=0, verbose_name="排序")
    is_retired = models.BooleanField(default=False, verbose_name="已撤销")
    retired_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()  # type: ignore[misc]  # narrower queryset than ScopedModel's

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"boundary", "updated_at", "created_at"})

    class Meta:
        verbose_name = "辖区"
        verbose_name_plural = "辖区"
        ordering: ClassVar[list[str]] = ["path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, top first (derived from the path, no queries)."""
        lengths = [PATH_LENGTH[lv] for lv in LEVEL_ORDER if PATH_LENGTH[lv] < len(self.path)]
        return [self.path[:n] for n in lengths]


class Department(ScopedModel, ChangeLoggedModel):
    """A member department (成员单位: 公安, 司法, 信访 …) at one unit: the second axis."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="departments", verbose_name="所属辖区")
    kind_code = models.CharField(max_length=20, verbose_name="部门类别")
    name = models.CharField(max_length=100, verbose_name="名称")
    is_retired = models.BooleanField(default=False, verbose_name="已撤销")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        ordering: ClassVar[list[str]] = ["path", "kind_code", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_unique_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(ChangeLoggedModel):
    """A named set of capabilities. Built-in roles are the personas of DESIGN.md."""

    code = models.CharField(max_length=40, unique=True, verbose_name="代码")
    name = models.CharField(max_length=60, verbose_name="名称")
    description = models.CharField(max_length=200, blank=True, verbose_name="说明")
    capabilities = models.JSONField(default=list, verbose_name="权限")
    is_builtin = models.BooleanField(default=False, verbose_name="内置")

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class ZongzhiUserManager(UserManager["User"]):
    def create_superuser(self, *args: Any, **kwargs: Any) -> User:
        if not settings.ALLOW_SUPERUSER:
            raise RuntimeError("本系统不设超级管理员账号：请使用三员分立的管理员账号。")
        return super().create_superuser(*args, **kwargs)


def new_grants_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser, ChangeLoggedModel):
    """A person who logs in. Belongs to one unit (and possibly one department); what they may
    read and change is their view scope and capture scope, what they may do their roles."""

    full_name = models.CharField(max_length=60, blank=True, verbose_name="姓名")
    # The phone is personal information: sealed like a resident's (core.crypto), its masked form
    # kept beside it for lists; `phone` (below) reads and sets both. SMS reminders need the number.
    phone_sealed = models.BinaryField(null=True, blank=True, verbose_name="手机号（密文）")
    phone_mask = models.CharField(max_length=20, blank=True, verbose_name="手机号")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="所属单位"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="成员单位"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name="角色")
    view_scope = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="查看范围")
    capture_scope = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="录入范围")
    must_change_password = models.BooleanField(default=True, verbose_name="须修改密码")
    password_changed_at = models.DateTimeField(null=True, blank=True, verbose_name="密码修改时间")
    # Renewed whenever the account, its roles or its scope may have changed: the key of the
    # per-process cache of users and grants (units/grants.py), read with the login session.
    grants_stamp = models.CharField(max_length=32, default=new_grants_stamp, editable=False)

    objects: ClassVar[ZongzhiUserManager] = ZongzhiUserManager()

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"password", "last_login", "grants_stamp", "phone_sealed"})

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{self.username}）"

    @property
    def phone(self) -> str:
        """The full number (decrypted): for the SMS gateway and an audited reveal only."""
        return unseal(self.phone_sealed) if self.phone_sealed else ""

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_sealed = seal_optional(value)
        self.phone_mask = mask_value(value) if value else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_superuser and not settings.ALLOW_SUPERUSER:
            raise RuntimeError("本系统不设超级管理员账号")
        # Any change to the account makes the cached copies of it (units/grants.py) stale.
        self.grants_stamp = new_grants_stamp()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "grants_stamp"}
        super().save(*args, **kwargs)

    def audit_path(self) -> str:
        return self.unit.path if self.unit_id and self.unit is not None else ""

    # --- capabilities and scope, cached per request on the instance --------------------------
    @functools.cached_property
    def capabilities(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        codes: set[str] = set()
        # roles.all() uses a prefetch when the caller made one (lists of staff), else one query.
        for role in self.roles.all():
            codes.update(c for c in role.capabilities if c in CAPABILITIES)
        return frozenset(codes)

    def has_cap(self, code: str) -> bool:
        return code in self.capabilities

    @property
    def admin_kind(self) -> str | None:
        kinds = {CAPABILITIES[c].kind for c in self.capabilities} & set(ADMIN_KINDS)
        return next(iter(kinds)) if kinds else None

    @functools.cached_property
    def view_paths(self) -> list[str]:
        if not self.is_active:
            return []
        return minimal_roots(self.view_scope.filter(is_retired=False).values_list("path", flat=True))

    @functools.cached_property
    def capture_paths(self) -> list[str]:
        """Paths of every capture unit, a unit under another one included: registry records
        are written per unit (`core.scope.WriteScope`), so a village granted beside its
        township keeps its own records writable."""
        if not self.is_active:
            return []
        return sorted(set(self.capture_scope.filter(is_retired=False).values_list("path", flat=True)))

    def forget_cached_grants(self) -> None:
        for name in ("capabilities", "view_paths", "capture_paths"):
            self.__dict__.pop(name, None)

    def password_expired(self) -> bool:
        """The three administrators change their password every 90 days."""
        if self.admin_kind is None:
            return False
        if self.password_changed_at is None:
            return True
        age = timezone.now() - self.password_changed_at
        return age.days >= settings.PASSWORD_MAX_AGE_DAYS_ADMIN


class LoginSession(models.Model):
    """An active login: a console session (cookie) or an API/mobile token.

    Lets administrators see and end sessions, and enforces the idle timeout and the absolute
    lifetime for both kinds in one place. Only a hash of the session key or token is stored.
    """

    class Kind(models.TextChoices):
        SESSION = "session", "网页会话"
        TOKEN = "token", "移动端/接口令牌"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    session_key = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The phone app's own random id (kept on the phone), so a terminal reported lost ends its sessions.
    device_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering: ClassVar[list[str]] = ["-last_seen_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "ended_at"], name="loginsession_user_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def is_live(self, now: Any = None) -> bool:
        now = now or timezone.now()
        idle = (now - self.last_seen_at).total_seconds()
        return self.ended_at is None and now < self.expires_at and idle < settings.SESSION_IDLE_SECONDS


__all__ = [
    "CODE_LENGTH",
    "LEVEL_ORDER",
    "PATH_LENGTH",
    "Department",
    "Level",
    "LoginSession",
    "PathField",
    "Role",
    "Unit",
    "User",
]
