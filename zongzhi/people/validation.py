"""The one validator of a resident's values: the form, the API and the import all use it.

The import once had a second copy of these rules, and it drifted (it took retired codes and
skipped the arrival/leaving check). Now the import only turns a row's cells into values (labels
into codes, the forms of dates and phones into one) and hands them here, like the form does.

Everything the rules need from the database, the code tables with their retired codes, is read
once into `Codes`; checking a resident touches no database, so an import checks a million rows
with it, in worker processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from zongzhi.core.errors import InvalidInput
from zongzhi.core.fields import limit_of
from zongzhi.dictionary.services import labels, retired_codes
from zongzhi.people.models import Resident, ResidentKind
from zongzhi.units.services import PHONE_RE

from .idcard import FEMALE, MALE, is_valid_id_number, parse_id_number

ID_CARD = "111"  # 居民身份证 (GA/T 517)

CODE_FIELDS = {
    "ethnicity_code": "ethnicity",
    "marital_code": "marital_status",
    "political_code": "political_status",
    "education_code": "education",
    "religion_code": "religion",
    "relation_code": "household_relation",
}
CODE_TABLES = {**CODE_FIELDS, "id_type_code": "id_type", "nationality_code": "nationality"}
TEXT_FIELDS = (
    "name",
    "former_name",
    "native_place",
    "occupation",
    "household_address",
    "current_address",
    "household_number",
    "permit_type",
    "permit_number",
    "residence_type",
    "reason_for_moving",
    "foreign_name",
    "purpose",
)


# Declared once, on the model's columns.
TEXT_LIMITS: dict[str, int] = {name: limit_of(Resident, name) for name in TEXT_FIELDS}
ID_NUMBER_LIMIT = limit_of(Resident, "id_number_mask")  # the mask keeps the number's length
PHONE_LIMIT = limit_of(Resident, "phone_mask")
# Every text field of a resident's form: the texts, the codes, the ID number and the phone.
LIMITS: dict[str, int] = {
    **TEXT_LIMITS,
    **{name: limit_of(Resident, name) for name in (*CODE_TABLES, "sex_code")},
    "id_number": ID_NUMBER_LIMIT,
    "phone": PHONE_LIMIT,
}
FLOATING_ONLY = (
    "permit_type",
    "permit_number",
    "permit_issued_on",
    "permit_expires_on",
    "residence_type",
    "reason_for_moving",
)
OVERSEAS_ONLY = ("foreign_name", "nationality_code", "purpose", "arrived_on", "leaves_on")

Error = dict[str, str]
# Plain strings: ResidentKind.values builds a list and each member access goes through the enum
# machinery, which cost an import 0.3 s per 100k rows.
_KINDS = frozenset(ResidentKind.values)
_FLOATING, _OVERSEAS = str(ResidentKind.FLOATING.value), str(ResidentKind.OVERSEAS.value)


@dataclass(frozen=True)
class Codes:
    """The code tables a resident's values name, read once: code → label, and the retired codes."""

    labels: dict[str, dict[str, str]]
    retired: dict[str, frozenset[str]]

    @classmethod
    def load(cls) -> Codes:
        tables = set(CODE_TABLES.values())
        return cls(labels={t: labels(t) for t in tables}, retired={t: retired_codes(t) for t in tables})

    def problem(self, field: str, code: str) -> Error | None:
        """Why `code` may not be given to `field` (unknown or retired), or None."""
        table = CODE_TABLES[field]
        label = self.labels[table].get(code)
        if label is None:
            return {"field": field, "message": f"代码“{code}”不在代码表中", "code": "code_unknown"}
        if code in self.retired[table]:
            return {"field": field, "message": f"代码“{code} {label}”已停用", "code": "code_retired"}
        return None


@dataclass
class Checked:
    """The values to store (without the ID number and phone, which are sealed apart), the ID
    number and phone in their stored form, and every problem found."""

    values: dict[str, Any]
    id_number: str
    phone: str
    errors: list[Error]


def _before(values: dict[str, Any], later: str, earlier: str) -> bool:
    """Both dates given, and `later` before `earlier`."""
    return bool(values[later] and values[earlier] and values[later] < values[earlier])


def check_resident(
    values: dict[str, Any], id_number: str, phone: str, codes: Codes, *, today: dt.date, file_values: bool = False
) -> Checked:
    """Check one resident's values (the fields of `services.ResidentData` but `unit`, strings
    trimmed, codes as codes); every problem is reported, field by field.

    Steps:
    1. kind, name, text lengths;
    2. the ID type, then the ID number: a resident ID card's number is checked (GB 11643) and
       gives the birth date and sex; with `file_values` (an import) a birth date or sex the
       file gives that the number contradicts is a problem, while the form simply takes the
       number's;
    3. sex and birth date where the number does not give them, a birth date not after today;
    4. the code fields, active codes only; the phone's form;
    5. what belongs to one kind only: permit dates in order for floating residents, the
       nationality and dates in order for overseas ones; the other kinds' fields are emptied;
    6. a position, both coordinates in China.
    """
    errors: list[Error] = []

    def fail(field: str, message: str, code: str = "invalid_input") -> None:
        errors.append({"field": field, "message": message, "code": code})

    if values["kind"] not in _KINDS:
        fail("kind", "人口类别应为户籍人口、流动人口或境外人员")
    if not values["name"]:
        fail("name", "请填写姓名", "required")
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            fail(name, f"不能超过{limit}个字", "too_long")

    id_type = values["id_type_code"]
    if problem := codes.problem("id_type_code", id_type):
        errors.append(problem)
    if not id_number:
        fail("id_number", "请填写证件号码", "required")
    elif id_type == ID_CARD:
        if not is_valid_id_number(id_number):
            try:
                parse_id_number(id_number, today=today)
            except InvalidInput as exc:  # says which rule the number breaks
                errors.extend({**e, "code": exc.code} for e in exc.errors)
        else:
            born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
            sex = MALE if int(id_number[16]) % 2 else FEMALE
            if file_values:
                if values["birth_date"] is not None and values["birth_date"] != born:
                    fail("birth_date", f"出生日期与身份证号码不符（号码中为{born.isoformat()}）", "id_mismatch")
                if values["sex_code"] in (MALE, FEMALE) and values["sex_code"] != sex:
                    fail("sex_code", f"性别与身份证号码不符（号码中为{'男' if sex == MALE else '女'}）", "id_mismatch")
            values["birth_date"], values["sex_code"] = born, sex
    elif len(id_number) > ID_NUMBER_LIMIT:
        fail("id_number", f"证件号码不能超过{ID_NUMBER_LIMIT}位")
    if id_type != ID_CARD:
        if values["sex_code"] not in ("1", "2", "9", "0"):
            fail("sex_code", "请选择性别", "required")
        if values["birth_date"] is None:
            fail("birth_date", "请填写出生日期", "required")
    if values["birth_date"] is not None and values["birth_date"] > today:
        fail("birth_date", "出生日期不能晚于今天")

    for name in CODE_FIELDS:
        if values[name] and (problem := codes.problem(name, values[name])):
            errors.append(problem)
    if phone and not PHONE_RE.match(phone):
        fail("phone", "联系电话格式不正确（11位手机号或带区号的固定电话）", "phone_invalid")

    kind = values["kind"]
    if kind == _FLOATING:
        if _before(values, "permit_expires_on", "permit_issued_on"):
            fail("permit_expires_on", "有效期至不能早于发证日期")
    else:
        for name in FLOATING_ONLY:
            values[name] = None if name.endswith("_on") else ""
    if kind == _OVERSEAS:
        if not values["nationality_code"]:
            fail("nationality_code", "境外人员须填写国籍（地区）", "required")
        elif problem := codes.problem("nationality_code", values["nationality_code"]):
            errors.append(problem)
        if _before(values, "leaves_on", "arrived_on"):
            fail("leaves_on", "预计离开日期不能早于抵达日期")
    else:
        for name in OVERSEAS_ONLY:
            values[name] = None if name.endswith("_on") else ""

    lat: float | None = values.get("latitude")
    lng: float | None = values.get("longitude")
    if lat is None or lng is None:
        if (lat is None) != (lng is None):
            fail("latitude", "经纬度须同时填写")
    elif not (3 <= lat <= 54 and 73 <= lng <= 136):
        fail("latitude", "位置不在我国境内，请检查定位")
    return Checked(values=values, id_number=id_number, phone=phone, errors=errors)
