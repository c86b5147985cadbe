"""Request and response shapes of the people API."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from zongzhi.core.fields import limit_of
from zongzhi.core.outputs import OutSchema
from zongzhi.people.models import PersonCategory, Resident, Visit
from zongzhi.people.validation import LIMITS
from zongzhi.units.schemas import UnitBrief

ResidentKindName = Literal["registered", "floating", "overseas"]


class ResidentIn(Schema):
    kind: ResidentKindName
    name: str = Field(..., max_length=LIMITS["name"])
    id_type_code: str = Field("111", max_length=LIMITS["id_type_code"])
    id_number: str = Field(..., max_length=LIMITS["id_number"])
    unit_id: int | None = Field(None, description="所在网格或辖区；有定位时按定位落入网格")
    sex_code: str = Field("", max_length=LIMITS["sex_code"], description="证件为居民身份证时由号码推出")
    birth_date: date | None = None
    former_name: str = Field("", max_length=LIMITS["former_name"])
    ethnicity_code: str = Field("", max_length=LIMITS["ethnicity_code"])
    native_place: str = Field("", max_length=LIMITS["native_place"])
    marital_code: str = Field("", max_length=LIMITS["marital_code"])
    political_code: str = Field("", max_length=LIMITS["political_code"])
    education_code: str = Field("", max_length=LIMITS["education_code"])
    religion_code: str = Field("", max_length=LIMITS["religion_code"])
    occupation: str = Field("", max_length=LIMITS["occupation"])
    household_address: str = Field("", max_length=LIMITS["household_address"])
    current_address: str = Field("", max_length=LIMITS["current_address"])
    household_number: str = Field("", max_length=LIMITS["household_number"])
    relation_code: str = Field("", max_length=LIMITS["relation_code"])
    phone: str = Field("", max_length=LIMITS["phone"])
    permit_type: str = Field("", max_length=LIMITS["permit_type"])
    permit_number: str = Field("", max_length=LIMITS["permit_number"])
    permit_issued_on: date | None = None
    permit_expires_on: date | None = None
    residence_type: str = Field("", max_length=LIMITS["residence_type"])
    reason_for_moving: str = Field("", max_length=LIMITS["reason_for_moving"])
    foreign_name: str = Field("", max_length=LIMITS["foreign_name"])
    nationality_code: str = Field("", max_length=LIMITS["nationality_code"])
    purpose: str = Field("", max_length=LIMITS["purpose"])
    arrived_on: date | None = None
    leaves_on: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    client_id: UUID | None = Field(None, description="手机离线队列的编号：重发时返回同一条记录（仅登记时）")
    seen_updated_at: datetime | None = Field(
        None, description="修改时：客户端所见的 updated_at；其后已被他人修改则返回 409 stale_record（仅修改时）"
    )


class ResidentChangeIn(Schema):
    """The phone's changes to a resident; a field left out stays as it is."""

    phone: str | None = Field(None, max_length=LIMITS["phone"])
    current_address: str | None = Field(None, max_length=LIMITS["current_address"])
    unit_id: int | None = Field(None, description="迁入本人负责的另一网格")
    latitude: float | None = None
    longitude: float | None = None
    seen_updated_at: datetime | None = Field(None, description="客户端所见的 updated_at")


class ResidentRetireIn(Schema):
    reason: str = Field(..., max_length=limit_of(Resident, "retired_reason"))
    seen_updated_at: datetime | None = Field(None, description="客户端所见的 updated_at（手机端）")


class IdLookupIn(Schema):
    id_number: str = Field(..., max_length=LIMITS["id_number"])


class IdLookupResidentOut(OutSchema):
    id: int
    name: str = Field(..., description="姓名（脱敏）")
    id_number_mask: str
    unit_name: str
    can_edit: bool


class IdLookupOut(OutSchema):
    status: Literal["none", "here", "elsewhere"] = Field(
        ..., description="none 未登记；here 已在本人可查看的辖区登记；elsewhere 已在其他辖区登记（不提供详情）"
    )
    resident: IdLookupResidentOut | None = None


class ResidentRowOut(OutSchema):
    id: int
    kind: ResidentKindName
    kind_label: str
    name: str
    id_number_mask: str
    sex_code: str
    sex_label: str
    birth_date: date | None
    age: int | None
    phone_mask: str
    current_address: str
    path: str
    unit_name: str
    is_retired: bool


class HistoryOut(OutSchema):
    at: datetime
    username: str
    action: str
    changes: dict[str, Any]
    corrected_by: str = Field("", description="上级更正时为更正单位的名称；本级修改为空")


WriteMode = Literal["own", "correction", "lower_level", "none"]
WRITE_MODE_DESCRIPTION = (
    "当前用户对该记录的修改权：own 本级数据；correction 以“上级更正下级数据”权限更正（留痕）；"
    "lower_level 下级数据，上级单位只能查看；none 不在录入范围内"
)


class ResidentOut(ResidentRowOut):
    id_type_code: str
    former_name: str
    ethnicity_code: str
    native_place: str
    marital_code: str
    political_code: str
    education_code: str
    religion_code: str
    occupation: str
    household_address: str
    household_number: str
    relation_code: str
    permit_type: str
    permit_number: str
    permit_issued_on: date | None
    permit_expires_on: date | None
    residence_type: str
    reason_for_moving: str
    foreign_name: str
    nationality_code: str
    purpose: str
    arrived_on: date | None
    leaves_on: date | None
    latitude: float | None
    longitude: float | None
    retired_reason: str
    retired_at: datetime | None
    created_at: datetime
    updated_at: datetime
    labels: dict[str, str] = Field(..., description="字段代码的名称，如 ethnicity_code → 汉族")
    place: list[UnitBrief]
    history: list[HistoryOut]
    can_edit: bool
    write_mode: WriteMode = Field(..., description=WRITE_MODE_DESCRIPTION)
    can_unmask: bool
    categories: list["CategoryRowOut"] = Field(..., description="列管类别；无 records.sensitive 权限时为空")
    categories_hidden: bool
    houses: list[dict[str, Any]] = Field(..., description="居住的房屋（含已迁出）")
    organisations: list[dict[str, Any]] = Field(..., description="所在组织和队伍")
    cases: list[dict[str, Any]] = Field(..., description="作为当事人的办件（本人可见的）")


class ResidentPageOut(OutSchema):
    items: list[ResidentRowOut]
    next_cursor: int | None = Field(None, description="pass as ?cursor= for the next page (keyset)")


class RetireIn(Schema):
    reason: str = Field(..., max_length=limit_of(Resident, "retired_reason"))


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(OutSchema):
    value: str


GroupName = Literal["key", "care"]


class TeamMember(OutSchema):
    name: str = Field(..., max_length=30)
    role: str = Field("", max_length=20)


class CategoryIn(Schema):
    group: GroupName
    category_code: str = Field(..., max_length=4)
    listed_on: date | None = None
    risk_level: int | None = Field(None, ge=0, le=5)
    details: dict[str, Any] = Field(default_factory=dict)
    team: list[TeamMember] = Field(default_factory=list, max_length=20)
    visit_every_days: int | None = Field(None, ge=1, le=365)
    note: str = Field("", max_length=limit_of(PersonCategory, "note"))


class CategoryRowOut(OutSchema):
    id: int
    resident_id: int
    resident_name: str
    id_number_mask: str
    group: GroupName
    group_label: str
    category_code: str
    category_label: str
    risk_level: int | None
    listed_on: date
    visit_every_days: int
    next_visit_on: date
    last_visit_on: date | None
    visit_count: int
    days_left: int = Field(..., description="到下次走访的天数；负数为已超期的天数")
    path: str
    unit_name: str
    is_retired: bool


class VisitIn(Schema):
    visited_on: date
    method: Literal["home", "phone", "talk", "service", "other"]
    content: str = Field(..., max_length=limit_of(Visit, "content"))
    next_visit_on: date | None = None
    companions: str = Field("", max_length=limit_of(Visit, "companions"))
    latitude: float | None = None
    longitude: float | None = None
    client_id: UUID | None = None


class VisitOut(OutSchema):
    id: int
    visited_on: date
    method: str
    method_label: str
    content: str
    next_visit_on: date
    visitor_name: str
    companions: str
    created_at: datetime


class VisitCreatedOut(OutSchema):
    created: bool
    visit: VisitOut
    next_visit_on: date


class FieldSpecOut(OutSchema):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[str]
    max_length: int
    personal: bool


class CategoryOut(CategoryRowOut):
    details: dict[str, Any]
    fields: list[FieldSpecOut]
    team: list[TeamMember]
    note: str
    retired_reason: str
    retired_at: datetime | None
    visits: list[VisitOut]
    can_edit: bool
    write_mode: WriteMode = Field(..., description=WRITE_MODE_DESCRIPTION)
    can_unmask: bool


class CategoryPageOut(OutSchema):
    items: list[CategoryRowOut]
    next_cursor: int | None = None


class CategorySpecOut(OutSchema):
    group: GroupName
    code: str
    label: str
    visit_every_days: int
    risk_levels: dict[int, int]
    fields: list[FieldSpecOut]


class CategoryRevealIn(Schema):
    field: str = Field(..., max_length=40)


class ServiceRowOut(OutSchema):
    unit: UnitBrief
    total: int
    on_time: int
    overdue: int
    share: float | None = Field(..., description="按期走访率（0-1）；没有列管人员时为空")


class ServiceStatsOut(OutSchema):
    unit: UnitBrief
    group: GroupName
    total: int
    on_time: int
    overdue: int
    share: float | None
    rows: list[ServiceRowOut]


ResidentOut.model_rebuild()
