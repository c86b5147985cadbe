"""The registry: residents (实有人口) and the index that finds them by any part of their name.

ID numbers and phones are personal information: stored sealed (SM4-GCM, `crypto.seal`), found
by exact match through a keyed hash (`crypto.blind_index`), and shown masked; the masked form
is kept beside them so lists never decrypt.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.fields import PathField
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

    # Indexed by resident_list_idx (path, kind, -id), whose first column serves the path alone.
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

    audit_exclude: ClassVar[frozenset[str]] = frozenset(
        {"id_number_sealed", "id_number_index", "phone_sealed", "phone_index", "updated_at"}
    )

    class Meta:
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
            models.Index(fields=["path", "kind", "-id"], name="resident_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_mask}）"


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
    # with their resident (names.reindex, imports.write_residents).
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="name_tokens", db_index=False, db_constraint=False
    )
    # Scoped, so moving a unit rewrites it with everything else (a key column may be updated).
    path = PathField()

    class Meta:
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
        verbose_name = "走访服务记录"
        verbose_name_plural = "走访服务记录"
        ordering: ClassVar[list[str]] = ["-visited_on", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["category", "-visited_on"], name="visit_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.visited_on}"


class ImportJob(ScopedModel):
    """One upload of an Excel or CSV file: an import into the registry, or a comparison of a
    department's file with it (seed 003: 每月与相关部门导入的信息进行比对). `path` is the unit
    the rows may land under (the uploader's capture scope is checked row by row)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        REVIEW = "review", "待确认列"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    class Mode(models.TextChoices):
        IMPORT = "import", "导入"
        COMPARE = "compare", "比对"

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.IMPORT, verbose_name="方式")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name="状态")
    file = models.FileField(upload_to="imports/%Y/%m/", verbose_name="文件")
    filename = models.CharField(max_length=200, verbose_name="文件名")
    file_sha256 = models.CharField(max_length=64, verbose_name="文件摘要")
    default_unit = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    # The uploader's choices: {"columns": {file header: field, or "" to leave it out},
    # "fixed": {field: one value for every row, for a column the file lacks}}.
    mapping = models.JSONField(default=dict, blank=True, verbose_name="列的对应")
    # The import wizard: the job first reads the head of the file (the header it found, each
    # column's field and a few masked samples, into `preview`) and waits in REVIEW until the
    # uploader confirms the columns; nothing is written before that.
    needs_review = models.BooleanField(default=False, verbose_name="导入前确认列")
    preview = models.JSONField(default=dict, blank=True, verbose_name="表头识别结果")
    created_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0, verbose_name="行数")
    processed_rows = models.PositiveIntegerField(default=0, verbose_name="已处理")
    imported = models.PositiveIntegerField(default=0, verbose_name="导入")
    skipped = models.PositiveIntegerField(default=0, verbose_name="已存在")
    rejected = models.PositiveIntegerField(default=0, verbose_name="有误")
    rejects_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="有误行")
    report = models.JSONField(default=dict, blank=True, verbose_name="比对结果")
    report_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="比对报告")
    # A comparison's residents registered under the unit but not in the file (their ids, sealed):
    # not in the report; released only as an approved export (ExportRequest.import_job).
    missing_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name="系统有、文件无")
    error = models.CharField(max_length=300, blank=True, verbose_name="失败原因")
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name="最近进展")

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class ImportMapping(ScopedModel):
    """The columns a unit chose once for files of one shape (a department's export): the next
    file with the same headers opens with the same choices. `path` is the uploader's unit;
    `signature` digests the file's normalised headers in order."""

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    signature = models.CharField(max_length=64, verbose_name="表头摘要")
    columns = models.JSONField(default=dict, verbose_name="列的对应")
    fixed = models.JSONField(default=dict, blank=True, verbose_name="统一的值")
    source = models.CharField(max_length=200, verbose_name="最近使用的文件")
    updated_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "导入列对应"
        verbose_name_plural = "导入列对应"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["path", "kind", "signature"], name="importmapping_unique_source"),
        ]

    def __str__(self) -> str:
        return self.source


class ExportRequest(ScopedModel):
    """A request to take personal data out as Excel: the unit above approves or refuses; the
    approved file carries a watermark (who, when), can be downloaded until `expires_at`, and
    every step is audited. `path` is the unit whose records are exported; for the residents a
    comparison found missing from its file, `import_job` is that comparison."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        REFUSED = "refused", "已拒绝"
        APPROVED = "approved", "已批准，生成中"
        READY = "ready", "可下载"
        FAILED = "failed", "生成失败"
        EXPIRED = "expired", "已过期"
        WITHDRAWN = "withdrawn", "已撤回"

    kind = models.CharField(max_length=20, default="residents", verbose_name="数据类别")
    filters = models.JSONField(default=dict, blank=True, verbose_name="筛选条件")
    full_id_numbers = models.BooleanField(default=False, verbose_name="含完整证件号码")
    reason = models.CharField(max_length=200, verbose_name="用途")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name="状态")
    requested_by = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approver_path = PathField(verbose_name="审批单位路径")
    decided_by = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)
    # Set for the list of a comparison's residents missing from the file (kind compare_missing).
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.PROTECT, related_name="exports", verbose_name="比对任务"
    )

    class Meta:
        verbose_name = "导出申请"
        verbose_name_plural = "导出申请"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["approver_path", "status"], name="export_approver_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


# --- places and organisations (人、地、物、组织) --------------------------------------------------
class PlaceBase(ScopedModel, ChangeLoggedModel):
    """What places and organisations share: a unit (the grid of their position), an address,
    a position, a soft retire."""

    name = models.CharField(max_length=100, verbose_name="名称")
    address = models.CharField(max_length=200, blank=True, verbose_name="地址")
    latitude = models.FloatField(null=True, blank=True, verbose_name="纬度")
    longitude = models.FloatField(null=True, blank=True, verbose_name="经度")
    note = models.CharField(max_length=500, blank=True, verbose_name="备注")
    is_retired = models.BooleanField(default=False, verbose_name="已注销")
    retired_reason = models.CharField(max_length=100, blank=True, verbose_name="注销原因")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Compound(PlaceBase):
    """A residential compound (小区)."""

    property_company = models.CharField(max_length=100, blank=True, verbose_name="物业公司")
    households = models.PositiveIntegerField(null=True, blank=True, verbose_name="户数")

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"
        ordering: ClassVar[list[str]] = ["-id"]


class HouseUse(models.TextChoices):
    SELF = "self", "自住"
    RENTAL = "rental", "出租"
    VACANT = "vacant", "空置"
    BUSINESS = "business", "经营"
    OTHER = "other", "其他"


class House(PlaceBase):
    """A house or flat (实有房屋); a rental (出租房) is a house whose use is 出租. `name` is its
    short label (building-unit-room or the house number)."""

    compound = models.ForeignKey(Compound, null=True, blank=True, on_delete=models.PROTECT, related_name="houses")
    use = models.CharField(max_length=10, choices=HouseUse.choices, default=HouseUse.SELF, verbose_name="用途")
    area = models.FloatField(null=True, blank=True, verbose_name="面积（平方米）")
    owner = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_houses", verbose_name="房主"
    )
    owner_name = models.CharField(max_length=50, blank=True, verbose_name="房主姓名（非本辖区人员）")
    rental_registered_on = models.DateField(null=True, blank=True, verbose_name="出租登记日期")

    class Meta:
        verbose_name = "实有房屋"
        verbose_name_plural = "实有房屋"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["path", "use", "-id"], name="house_list_idx")]


class Occupancy(models.TextChoices):
    OWNER = "owner", "房主"
    FAMILY = "family", "家庭成员"
    TENANT = "tenant", "租户"
    OTHER = "other", "其他"


class HouseOccupant(models.Model):
    """Who lives in a house, from when (and until when)."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="occupants")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="occupancies")
    relation = models.CharField(max_length=10, choices=Occupancy.choices, verbose_name="居住关系")
    since = models.DateField(null=True, blank=True, verbose_name="入住日期")
    until = models.DateField(null=True, blank=True, verbose_name="迁出日期")

    class Meta:
        verbose_name = "房屋居住人员"
        verbose_name_plural = "房屋居住人员"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["house", "resident"], condition=Q(until__isnull=True), name="occupant_once_per_house"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}@{self.house_id}"


class KeyPlace(PlaceBase):
    """A key place (重点场所): safety production, fire safety, public order, schools, other."""

    kind_code = models.CharField(max_length=4, verbose_name="场所类别")
    legal_person = models.CharField(max_length=50, blank=True, verbose_name="法定代表人")
    security_contact = models.CharField(max_length=50, blank=True, verbose_name="治安负责人")
    contact_phone_sealed = models.BinaryField(null=True, blank=True)
    contact_phone_mask = models.CharField(max_length=20, blank=True, verbose_name="负责人电话")
    employees = models.PositiveIntegerField(null=True, blank=True, verbose_name="从业人数")
    credit_code = models.CharField(max_length=18, blank=True, verbose_name="统一社会信用代码")

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"contact_phone_sealed"})

    class Meta:
        verbose_name = "重点场所"
        verbose_name_plural = "重点场所"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "kind_code", "-id"], name="keyplace_list_idx")
        ]


class Facility(PlaceBase):
    """A security facility (治安设施), cameras included as registered facilities; inspected
    every month (巡检)."""

    kind_code = models.CharField(max_length=4, verbose_name="设施类别")
    serial_number = models.CharField(max_length=40, blank=True, verbose_name="编号")
    managed_by = models.CharField(max_length=100, blank=True, verbose_name="管理单位")
    installed_on = models.DateField(null=True, blank=True, verbose_name="安装日期")
    last_inspected_on = models.DateField(null=True, blank=True, verbose_name="最近巡检日期")
    last_result = models.CharField(max_length=10, blank=True, verbose_name="最近巡检结果")

    class Meta:
        verbose_name = "治安设施"
        verbose_name_plural = "治安设施"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["path", "kind_code", "-id"], name="facility_list_idx")
        ]


class InspectionResult(models.TextChoices):
    NORMAL = "normal", "正常"
    FAULT = "fault", "故障"
    REPAIRED = "repaired", "已修复"


class Inspection(models.Model):
    """One inspection of a facility; never changed once written."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField(verbose_name="巡检日期")
    result = models.CharField(max_length=10, choices=InspectionResult.choices, verbose_name="结果")
    note = models.CharField(max_length=500, blank=True, verbose_name="情况")
    inspector = models.ForeignKey("units.User", on_delete=models.PROTECT, related_name="+")
    inspector_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "设施巡检"
        verbose_name_plural = "设施巡检"
        ordering: ClassVar[list[str]] = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.inspected_on}"


class Organisation(PlaceBase):
    """An organisation: governance bodies and teams (综治组织, 党组织, 自治组织, 群防群治队伍,
    志愿者队伍, 服务团队), social organisations and private enterprises (两新组织)."""

    kind_code = models.CharField(max_length=4, verbose_name="组织类别")
    credit_code = models.CharField(max_length=18, blank=True, verbose_name="统一社会信用代码")
    legal_person = models.CharField(max_length=50, blank=True, verbose_name="负责人（法定代表人）")
    contact_phone_sealed = models.BinaryField(null=True, blank=True)
    contact_phone_mask = models.CharField(max_length=20, blank=True, verbose_name="联系电话")
    employees = models.PositiveIntegerField(null=True, blank=True, verbose_name="人数")

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"contact_phone_sealed"})

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["path", "kind_code", "-id"], name="org_list_idx")]


class OrgMember(models.Model):
    """A member of an organisation or team: a resident, a user, or just a name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey("units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=50, verbose_name="姓名")
    role = models.CharField(max_length=30, blank=True, verbose_name="职务")
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "组织成员"
        verbose_name_plural = "组织成员"

    def __str__(self) -> str:
        return f"{self.name}@{self.organisation_id}"
