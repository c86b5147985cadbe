"""Places (实有房屋, 小区, 重点场所, 治安设施 and their inspections) and organisations with their
members (人、地、物、组织 without the people)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.core.scope import ScopedModel
from zongzhi.people.models import Resident


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

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Compound(PlaceBase):
    """A residential compound (小区)."""

    property_company = models.CharField(max_length=100, blank=True, verbose_name="物业公司")
    households = models.PositiveIntegerField(null=True, blank=True, verbose_name="户数")

    class Meta:
        db_table = "registry_compound"  # the table keeps the name of the app it was made in
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
        db_table = "registry_house"  # the table keeps the name of the app it was made in
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
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")
    created_by = models.ForeignKey(
        "units.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        db_table = "registry_houseoccupant"  # the table keeps the name of the app it was made in
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
        db_table = "registry_keyplace"  # the table keeps the name of the app it was made in
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
        db_table = "registry_facility"  # the table keeps the name of the app it was made in
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
    client_id = models.UUIDField(null=True, blank=True, unique=True, verbose_name="客户端编号")

    class Meta:
        db_table = "registry_inspection"  # the table keeps the name of the app it was made in
        verbose_name = "设施巡检"
        verbose_name_plural = "设施巡检"
        ordering: ClassVar[list[str]] = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.inspected_on}"


class InspectionPhoto(models.Model):
    """A photo of an inspection: the case engine's upload (`cases.Attachment`, uploaded first,
    EXIF position kept as data) named by an inspection instead of a case. It follows the
    facility's visibility."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    attachment = models.OneToOneField("cases.Attachment", on_delete=models.PROTECT, related_name="inspection_use")

    class Meta:
        db_table = "registry_inspectionphoto"
        verbose_name = "巡检照片"
        verbose_name_plural = "巡检照片"

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.attachment_id}"


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
        db_table = "registry_organisation"  # the table keeps the name of the app it was made in
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
        db_table = "registry_orgmember"  # the table keeps the name of the app it was made in
        verbose_name = "组织成员"
        verbose_name_plural = "组织成员"

    def __str__(self) -> str:
        return f"{self.name}@{self.organisation_id}"
