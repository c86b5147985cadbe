"""People (实有人口): residents, the index that finds them by any part of their name, key persons
and care recipients (重点人员 / 关怀对象) and their visits.

ID numbers and phones are personal information: stored sealed (SM4-GCM, `core.crypto.seal`), found
by exact match through a keyed hash (`core.crypto.blind_index`), and shown masked; the masked form
is kept beside them so lists never decrypt.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.fields import PathField
from zongzhi.core.masking import mask_value
from zongzhi.core.scope import ScopedModel


class ResidentKind(models.TextChoices):
    REGISTERED = "registered", "户籍人口"
    FLOATING = "floating", "流动人口"
    OVERSEAS = "overseas", "境外人员"


class Resident(ScopedModel, ChangeLoggedModel):
    """One person living in the jurisdiction: one record per ID number.

    `path` is the grid (or the unit) where they live now; a move changes it and the change
    log keeps where they were.
    """

    # Indexed by resident_list_idx (path, kind, is_retired, -id), whose first column serves the
    # path alone.
    path = PathField(verbose_name="所属辖区路径")

    kind = models.CharField(max_length=12, choices=ResidentKind.choices, verbose_name="人口类别")
    id_type_code = models.CharField(max_length=3, default="111", verbose_name="证件类型")
    id_number_sealed = models.BinaryField(verbose_name="证件号码（密文）")
    id_number_index = models.BinaryField(max_length=32, verbose_name="证件号码（检索摘要）")
    id_number_mask = models.CharField(max_length=40, verbose_name="证件号码")
    name = models.CharField(max_length=50, verbose_name="姓名")
    former_name = models.CharField(max_length=50, blank=True, verbose_name="曾用名")
    sex_code = models.CharField(max_length=1, verbose_name="性别")
    birth_date = models.DateField(null=True, blank=True, verbose_name="出生日期")
    ethnicity_code = models.CharField(max_length=2, blank=True, verbose_name="民族")
    native_place = models.CharField(max_length=100, blank=True, verbose_name="籍贯")
    marital_code = models.CharField(max_length=2, blank=True, verbose_name="婚姻状况")
    political_code = models.CharField(max_length=2, blank=True, verbose_name="政治面貌")
    education_code = models.CharField(max_length=2, blank=True, verbose_name="学历")
    religion_code = models.CharField(max_length=2, blank=True, verbose_name="宗教信仰")
    occupation = models.CharField(max_length=60, blank=True, verbose_name="职业")
    household_address = models.CharField(max_length=200, blank=True, verbose_name="户籍地址")
    current_address = models.CharField(max_length=200, blank=True, verbose_name="现住地址")
    household_number = models.CharField(max_length=30, blank=True, verbose_name="户号")
    relation_code = models.CharField(max_length=2, blank=True, verbose_name="与户主关系")
    phone_sealed = models.BinaryField(null=True, blank=True, verbose_name="联系电话（密文）")
    phone_index = models.BinaryField(max_length=32, null=True, blank=True, verbose_name="联系电话（检索摘要）")
    phone_mask = models.CharField(max_length=20, blank=True, verbose_name="联系电话")
    # 流动人口
    permit_type = models.CharField(max_length=20, blank=True, verbose_name="证件类型（居住证/暂住证）")
    permit_number = models.CharField(max_length=40, blank=True, verbose_name="居住证号码")
    permit_issued_on = models.DateField(null=True, blank=True, verbose_name="发证日期")
    permit_expires_on = models.DateField(null=True, blank=True, verbose_name="有效期至")
    residence_type = models.CharField(max_length=20, blank=True, verbose_name="住所类型")
    reason_for_moving = models.CharField(max_length=100, blank=True, verbose_name="流入原因")
    # 境外人员
    foreign_name = models.CharField(max_length=100, blank=True, verbose_name="外文姓名")
    nationality_code = models.CharField(max_length=3, blank=True, verbose_name="国籍（地区）")
    purpose = models.CharField(max_length=100, blank=True, verbose_name="来华目的")
    arrived_on = models.DateField(null=True, blank=True, verbose_name="抵达日期")
    leaves_on = models.DateField(null=True, blank=True, verbose_name="预计离开日期")
    # 位置
    latitude = models.FloatField(null=True, blank=True, verbose_name="纬度")
    longitude = models.FloatField(null=True, blank=True, verbose_name="经度")
    is_retired = models.BooleanField(default=False, verbose_name="已注销")
    retired_reason = models.CharField(max_length=100, blank=True, verbose_name="注销原因")
    retired_at = models.DateTimeField(null=True, blank=True, verbose_name="注销时间")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="登记时间")
    updated_at = models.DateTimeField(default=timezone.now, verbose_name="更新时间")
    # The phone's offline queue names each registration: a resend returns the first record.
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    # Who registered it (an import leaves it empty): a client id is its creator's alone.
    created_by = models.ForeignKey(
        "units.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never searched by; the client id's own index finds the row
        verbose_name="登记人",
    )

    audit_exclude: ClassVar[frozenset[str]] = frozenset(
        {"id_number_sealed", "id_number_index", "phone_sealed", "phone_index", "updated_at", "client_id"}
    )

    class Meta:
        db_table = "registry_resident"  # the table keeps the name of the app it was made in
        verbose_name = "实有人口"
        verbose_name_plural = "实有人口"
        ordering: ClassVar[list[str]] = ["-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One person, one record: an ID number appears once among the people not retired.
            models.UniqueConstraint(
                fields=["id_number_index"], condition=Q(is_retired=False), name="resident_one_per_id_number"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_index"], name="resident_phone_idx"),
            # Every column the list tests: on SQLite a small scope's page is found in the index
            # alone (queries._sqlite_list_page).
            models.Index(fields=["path", "kind", "is_retired", "-id"], name="resident_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_mask}）"

    def audit_label(self) -> str:
        """How the auditor's list names it: 实有人口「张*」 (the name masked)."""
        return f"实有人口「{mask_value(self.name)}」"


class NameToken(ScopedModel):
    """The name index: one row per character and per pair of adjacent characters of a
    resident's name (and former name), so a fragment of any length anywhere in a name is an
    indexed lookup ("建国" finds 王建国 and 李建国华). pg_trgm cannot do this: two Chinese
    characters make no trigram. `path` is copied so scope is tested inside the index.

    The primary key (token, resident, path) is the only index: the lookup "this token, newest
    residents first, within this subtree" reads it backwards without touching the table, and
    a million-resident import maintains one index of its rows instead of two (no id column,
    no sequence)."""

    pk = models.CompositePrimaryKey("token", "resident", "path")
    token = models.BigIntegerField()
    # No database foreign key: an FK check per row (a trigger) would make the token rows of a
    # million-resident import cost more than the residents. Rows are written and deleted only
    # with their resident (names.reindex, import_writer.write_residents).
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="name_tokens", db_index=False, db_constraint=False
    )
    # Scoped, so moving a unit rewrites it with everything else (a key column may be updated).
    path = PathField()

    class Meta:
        db_table = "registry_nametoken"  # the table keeps the name of the app it was made in
        verbose_name = "姓名索引"
        verbose_name_plural = "姓名索引"

    def __str__(self) -> str:
        return f"{self.token} → {self.resident_id}"


class Group(models.TextChoices):
    KEY = "key", "重点人员"
    CARE = "care", "关怀对象"


GROUP_TABLES = {Group.KEY: "key_person_category", Group.CARE: "care_category"}


class PersonCategory(ScopedModel, ChangeLoggedModel):
    """A resident listed as a key person (重点人员 / 特殊人群) or a care recipient (关怀对象).

    Each category has its own fields (`details`, validated per category in categories.py), an
    assistance team (帮教小组) and a visit frequency; `next_visit_on` is when the next visit or
    service is due. `path` follows the resident's. Special-population data is read only with
    the `records.sensitive` capability.
    """

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="categories")
    group = models.CharField(max_length=4, choices=Group.choices, verbose_name="类别组")
    category_code = models.CharField(max_length=4, verbose_name="类别")
    risk_level = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="危险性等级")
    details = models.JSONField(default=dict, blank=True, verbose_name="类别信息")
    team = models.JSONField(default=list, blank=True, verbose_name="帮教（服务）小组")
    listed_on = models.DateField(verbose_name="列管日期")
    visit_every_days = models.PositiveSmallIntegerField(verbose_name="走访周期（天）")
    next_visit_on = models.DateField(verbose_name="下次走访日期")
    last_visit_on = models.DateField(null=True, blank=True, verbose_name="最近走访日期")
    visit_count = models.PositiveIntegerField(default=0, verbose_name="走访次数")
    note = models.CharField(max_length=500, blank=True, verbose_name="备注")
    is_retired = models.BooleanField(default=False, verbose_name="已解除")
    retired_reason = models.CharField(max_length=100, blank=True, verbose_name="解除原因")
    retired_at = models.DateTimeField(null=True, blank=True, verbose_name="解除时间")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "registry_personcategory"  # the table keeps the name of the app it was made in
        verbose_name = "重点人员与关怀对象"
        verbose_name_plural = "重点人员与关怀对象"
        ordering: ClassVar[list[str]] = ["-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["resident", "group", "category_code"],
                condition=Q(is_retired=False),
                name="category_once_per_resident",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["group", "path", "-id"], name="category_list_idx"),
            models.Index(fields=["group", "next_visit_on", "path"], name="category_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.group}:{self.category_code}"

    # The auditor's list names it by its resident, loaded with it (audit.labels).
    audit_label_related: ClassVar[tuple[str, ...]] = ("resident",)

    def audit_label(self) -> str:
        """重点人员「张*」 or 关怀对象「张*」 (the name masked)."""
        return f"{self.get_group_display()}「{mask_value(self.resident.name)}」"


class VisitMethod(models.TextChoices):
    HOME = "home", "上门走访"
    PHONE = "phone", "电话联系"
    TALK = "talk", "约谈"
    SERVICE = "service", "上门服务"
    OTHER = "other", "其他"


class Visit(ScopedModel):
    """A visit to, or a service for, a listed person (走访 / 服务记录). Never changed once
    written: a correction is a new record."""

    category = models.ForeignKey(PersonCategory, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(verbose_name="走访日期")
    method = models.CharField(max_length=10, choices=VisitMethod.choices, verbose_name="方式")
    content = models.CharField(max_length=2000, verbose_name="内容")
    next_visit_on = models.DateField(verbose_name="下次走访日期")
    visitor = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+", verbose_name="走访人")
    visitor_name = models.CharField(max_length=60, verbose_name="走访人姓名")
    companions = models.CharField(max_length=200, blank=True, verbose_name="同行人员")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "registry_visit"  # the table keeps the name of the app it was made in
        verbose_name = "走访服务记录"
        verbose_name_plural = "走访服务记录"
        ordering: ClassVar[list[str]] = ["-visited_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["category", "-visited_on"], name="visit_category_idx"),
            # The rubric's visit items read a subtree's visits by date (the county's read at
            # 1M residents: 250 ms → 87 ms).
            models.Index(fields=["visited_on", "path"], name="visit_date_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.visited_on}"
