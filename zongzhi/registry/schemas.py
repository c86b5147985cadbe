"""Request and response shapes of the registry API."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from zongzhi.units.schemas import UnitBrief

ResidentKindName = Literal["registered", "floating", "overseas"]


class ResidentIn(Schema):
    kind: ResidentKindName
    name: str = Field(..., max_length=50)
    id_type_code: str = Field("111", max_length=3)
    id_number: str = Field(..., max_length=40)
    unit_id: int | None = Field(None, description="所在网格或辖区；有定位时按定位落入网格")
    sex_code: str = Field("", max_length=1, description="证件为居民身份证时由号码推出")
    birth_date: date | None = None
    former_name: str = Field("", max_length=50)
    ethnicity_code: str = Field("", max_length=2)
    native_place: str = Field("", max_length=100)
    marital_code: str = Field("", max_length=2)
    political_code: str = Field("", max_length=2)
    education_code: str = Field("", max_length=2)
    religion_code: str = Field("", max_length=2)
    occupation: str = Field("", max_length=60)
    household_address: str = Field("", max_length=200)
    current_address: str = Field("", max_length=200)
    household_number: str = Field("", max_length=30)
    relation_code: str = Field("", max_length=2)
    phone: str = Field("", max_length=20)
    permit_type: str = Field("", max_length=20)
    permit_number: str = Field("", max_length=40)
    permit_issued_on: date | None = None
    permit_expires_on: date | None = None
    residence_type: str = Field("", max_length=20)
    reason_for_moving: str = Field("", max_length=100)
    foreign_name: str = Field("", max_length=100)
    nationality_code: str = Field("", max_length=3)
    purpose: str = Field("", max_length=100)
    arrived_on: date | None = None
    leaves_on: date | None = None
    latitude: float | None = None
    longitude: float | None = None


class ResidentRowOut(Schema):
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


class HistoryOut(Schema):
    at: datetime
    username: str
    action: str
    changes: dict[str, Any]


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
    can_unmask: bool


class ResidentPageOut(Schema):
    items: list[ResidentRowOut]
    next_cursor: int | None = Field(None, description="pass as ?cursor= for the next page (keyset)")


class RetireIn(Schema):
    reason: str = Field(..., max_length=100)


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    value: str
