"""API schemas of the units app: explicit In/Out field lists, never "__all__"."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema

from .models import Department, LoginSession, Role, Unit, User

LevelName = Literal["province", "city", "county", "township", "village", "grid"]


class UnitBrief(OutSchema):
    id: int
    code: str
    name: str
    level: LevelName
    path: str


class UnitOut(OutSchema):
    id: int
    code: str
    name: str
    level: LevelName
    level_label: str
    path: str
    parent_id: int | None
    is_retired: bool
    children_count: int = 0
    staff_count: int = 0
    ancestors: list[UnitBrief] = Field(default_factory=list)


class UnitCreateIn(Schema):
    parent_id: int
    code: str = Field(..., max_length=limit_of(Unit, "code"), description="区划代码：12位，网格15位")
    name: str = Field(..., max_length=limit_of(Unit, "name"))


class UnitRenameIn(Schema):
    name: str = Field(..., max_length=limit_of(Unit, "name"))


class UnitMoveIn(Schema):
    parent_id: int
    code: str = Field(..., max_length=limit_of(Unit, "code"))


class MapFeatureProperties(OutSchema):
    id: int
    code: str
    name: str
    level: LevelName
    is_self: bool = Field(description="the unit asked for (its own boundary), not one below it")


class MapFeature(OutSchema):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any] = Field(description="GeoJSON geometry (WGS84)")
    properties: MapFeatureProperties


class MapOut(OutSchema):
    """A GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]


class UnitStatsOut(OutSchema):
    by_level: dict[str, int]
    staff: int


class DepartmentBrief(OutSchema):
    id: int
    name: str


class DepartmentOut(Schema):
    id: int
    name: str
    kind_code: str
    kind_label: str
    unit: UnitBrief
    is_retired: bool

    @staticmethod
    def resolve_kind_label(obj: Department, context: dict[str, Any]) -> str:
        labels: dict[str, str] = _per_request(context, "_department_kinds", _department_kind_labels)
        return labels.get(obj.kind_code, obj.kind_code)


def _per_request(context: dict[str, Any] | None, attr: str, compute: Any) -> Any:
    """A value computed once per request (so list endpoints make one query, not one per row)."""
    request = (context or {}).get("request")
    if request is None:
        return compute()
    if not hasattr(request, attr):
        setattr(request, attr, compute())
    return getattr(request, attr)


def _department_kind_labels() -> dict[str, str]:
    from zongzhi.dictionary.models import CodeItem

    return dict(CodeItem.objects.filter(table__code="department_kind").values_list("code", "label"))


def _locked_usernames() -> set[str]:
    from .accounts import locked_usernames

    return locked_usernames()


class DepartmentIn(Schema):
    unit_id: int
    kind_code: str = Field(..., max_length=limit_of(Department, "kind_code"))
    name: str = Field(..., max_length=limit_of(Department, "name"))


class DepartmentRenameIn(Schema):
    name: str = Field(..., max_length=limit_of(Department, "name"))


class RoleBrief(OutSchema):
    id: int
    code: str
    name: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone_masked: str
    unit: UnitBrief | None
    department: DepartmentBrief | None
    roles: list[RoleBrief]
    view_scope: list[UnitBrief]
    capture_scope: list[UnitBrief]
    is_active: bool
    is_locked: bool
    must_change_password: bool
    otp_enabled: bool
    last_login: datetime | None
    date_joined: datetime

    @staticmethod
    def resolve_phone_masked(obj: User) -> str:
        return obj.phone_mask  # stored masked: a list decrypts nothing

    @staticmethod
    def resolve_roles(obj: User) -> list[Any]:
        return list(obj.roles.all())

    @staticmethod
    def resolve_view_scope(obj: User) -> list[Any]:
        return list(obj.view_scope.all())

    @staticmethod
    def resolve_capture_scope(obj: User) -> list[Any]:
        return list(obj.capture_scope.all())

    @staticmethod
    def resolve_is_locked(obj: User, context: dict[str, Any]) -> bool:
        return obj.username in _per_request(context, "_locked_usernames", _locked_usernames)

    @staticmethod
    def resolve_otp_enabled(obj: User) -> bool:
        devices = getattr(obj, "confirmed_totp", None)
        if devices is not None:
            return bool(devices)
        from .auth import has_totp

        return has_totp(obj)


class UserCreateIn(Schema):
    username: str = Field(..., max_length=50)
    full_name: str = Field(..., max_length=limit_of(User, "full_name"))
    phone: str = Field("", max_length=limit_of(User, "phone_mask"))  # the mask keeps the number's length
    unit_id: int
    department_id: int | None = None
    password: str = Field(..., max_length=128)


class UserUpdateIn(Schema):
    full_name: str | None = Field(None, max_length=limit_of(User, "full_name"))
    phone: str | None = Field(None, max_length=limit_of(User, "phone_mask"))  # the mask keeps the number's length
    unit_id: int | None = None
    department_id: int | None = None
    clear_department: bool = False


class GrantsIn(Schema):
    role_codes: list[str] = Field(default_factory=list, max_length=50)
    view_scope_ids: list[int] = Field(default_factory=list, max_length=200)
    capture_scope_ids: list[int] = Field(default_factory=list, max_length=200)


class PasswordResetIn(Schema):
    new_password: str = Field(..., max_length=128)


class PhoneOut(OutSchema):
    phone: str


class RoleOut(OutSchema):
    id: int
    code: str
    name: str
    description: str
    capabilities: list[str]
    is_builtin: bool
    user_count: int = 0


class RoleIn(Schema):
    code: str = Field(..., max_length=limit_of(Role, "code"))
    name: str = Field(..., max_length=limit_of(Role, "name"))
    description: str = Field("", max_length=limit_of(Role, "description"))
    capabilities: list[str] = Field(default_factory=list, max_length=50)


class RoleUpdateIn(Schema):
    name: str | None = Field(None, max_length=limit_of(Role, "name"))
    description: str | None = Field(None, max_length=limit_of(Role, "description"))
    capabilities: list[str] | None = Field(None, max_length=50)


class CapabilityOut(OutSchema):
    code: str
    label: str
    group: str


class UserBrief(OutSchema):
    id: int
    username: str
    full_name: str


class SessionOut(OutSchema):
    id: int
    user: UserBrief
    kind: Literal["session", "token"]
    ip: str | None
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


# --- auth ------------------------------------------------------------------------------------
class MeOut(OutSchema):
    user: UserOut
    capabilities: list[str]
    password_change_required: bool
    otp_required: bool
    admin_kind: Literal["system", "security", "audit"] | None = Field(
        None, description="管理员类别（系统、安全、审计管理员）；业务用户为空。界面只向管理员显示路径、代码等技术字段"
    )
    todo_count: int
    previous_login: datetime | None = Field(None, description="上次登录时间（本次登录之前的一次）")
    agreement_required: bool = Field(False, description="须先签署保密协议（持有终端且未签署最新版本）")


class LoginIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)
    client: Literal["session", "token"] = "session"
    device_id: str = Field("", max_length=64, description="手机端自行生成并保存的设备标识（用于终端绑定与挂失）")


class LoginOut(OutSchema):
    status: Literal["ok", "otp_required", "otp_setup_required"]
    challenge: str | None = None
    token: str | None = None
    me: MeOut | None = None


class OtpVerifyIn(Schema):
    challenge: str = Field(..., max_length=500)
    code: str = Field(..., min_length=6, max_length=8)
    client: Literal["session", "token"] = "session"
    device_id: str = Field("", max_length=64, description="手机端的设备标识")


class OtpChallengeIn(Schema):
    challenge: str = Field(..., max_length=500)


class OtpSetupOut(OutSchema):
    secret: str
    otpauth_uri: str
    qr_svg: str


class OtpCodeIn(Schema):
    code: str = Field(..., min_length=6, max_length=8)


class OtpStatusOut(OutSchema):
    enabled: bool


class PasswordChangeIn(Schema):
    old_password: str = Field(..., max_length=128)
    new_password: str = Field(..., max_length=128)


class SystemConfigOut(OutSchema):
    site_name: str
    tile_url: str | None
    tile_attribution: str
    version: str
    mass_incident_threshold: int


__all__ = ["LoginSession"]


class PageDeniedIn(Schema):
    """A console page the user's roles do not open (the console's router refused it)."""

    path: str = Field(..., min_length=1, max_length=300, description="被拒绝打开的页面地址")


class DivisionChangeOut(Schema):
    """One difference between an uploaded division list and the tree."""

    kind: Literal["new", "renamed", "recoded", "restored", "unlisted"]
    code: str
    name: str
    level: LevelName
    parent_code: str | None
    unit_id: int | None
    old_code: str | None
    old_name: str | None
    records: int
    staff: int
    grids: int
    problem: str | None


class DivisionPlanOut(Schema):
    """The preview (or, after apply, the applied result) of a division list."""

    applied: bool
    rows: int
    unchanged: int
    digest: str
    counts: dict[str, int]
    changes: list[DivisionChangeOut]
