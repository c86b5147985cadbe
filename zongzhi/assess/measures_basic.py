"""Computed items of 基础信息 (seed 003 第七条): the eight kinds of service object, an
assistance team (帮教小组) for each, monthly inspections of the security facilities, and the
grid teams (一长四员)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth

from zongzhi.core.masking import mask_value
from zongzhi.core.months import month_of
from zongzhi.office.models import GridRole, StaffMember
from zongzhi.people.models import Group, PersonCategory, Resident
from zongzhi.places.models import Facility, Inspection
from zongzhi.units.models import Unit

from .measures import Measured, Period, Run, Shortfall, measure
from .measures_common import (
    LISTED,
    as_date,
    aware,
    capped,
    deduction_of,
    ended_months,
    local_day,
    month_label,
    number,
    points,
    subtree,
)

# 第七条3's eight kinds of service object, by their codes in the `key_person_category` table
# (刑满释放人员 01, 社区服刑人员 = 社区矫正人员 02, 易肇事肇祸精神病人 = 严重精神障碍患者 03,
# 影响平安稳定的吸毒人员 04, 影响平安稳定的艾滋病人 = 艾滋病危险人员 05, 重点问题青少年 06 and its
# sub-kinds 06xx, 重点上访人员 07, 邪教人员 08), named as the registry names them.
SERVICE_CATEGORIES: dict[str, str] = {
    "01": "刑满释放人员",
    "02": "社区矫正人员",
    "03": "严重精神障碍患者",
    "04": "吸毒人员",
    "05": "艾滋病危险人员",
    "06": "重点青少年",
    "07": "重点上访人员",
    "08": "邪教人员",
}

KEY_PERSONS_LINK = "/people/key-persons"


def _listed_by(unit: Unit, period: Period) -> Any:
    """The key persons of the eight kinds listed in the subtree by the end of the period and
    not released before it began."""
    return PersonCategory.objects.filter(
        subtree(unit),
        group=Group.KEY,
        listed_on__lt=period.end,
        category_code__gte="01",
        category_code__lt="09",  # 01–08 and their sub-kinds (0601 …)
    ).filter(Q(is_retired=False) | Q(retired_at__gte=aware(period.start)))


@measure(
    "basic.service_categories",
    "服务对象八类录入",
    "辖区（含下级）内刑满释放人员、社区矫正人员、重点青少年、艾滋病危险人员、重点上访人员、严重精神障碍患者、"
    "吸毒人员、邪教人员8类服务对象，考核期末前每类至少录入一人；少一类扣0.1分（第七条3）。"
    "辖区尚未录入任何实有人口时暂不计算。",
    per_shortfall=0.1,
)
def service_categories(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.1)
    present = {
        row["top"]
        for row in _listed_by(unit, period).annotate(top=Substr("category_code", 1, 2)).values("top").distinct()
    }
    if not present and not Resident.objects.filter(subtree(unit), is_retired=False).exists():
        return Measured(value="尚未录入实有人口", deduction=0, waiting="辖区尚未录入实有人口，服务对象无法统计")
    shortfalls = [
        Shortfall(text=f"未录入{label}", link=KEY_PERSONS_LINK)
        for code, label in SERVICE_CATEGORIES.items()
        if code not in present
    ]
    found = len(SERVICE_CATEGORIES) - len(shortfalls)
    return Measured(
        value=f"{len(SERVICE_CATEGORIES)}类中录入{found}类",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@measure(
    "basic.help_groups",
    "服务对象帮教小组",
    "8类服务对象中每一名列管人员都应建立帮教小组（列管信息中至少一名小组成员）；无帮教组织一个扣0.5分（第七条3）。"
    "辖区没有列管的服务对象时暂不计算。",
    per_shortfall=0.5,
)
def help_groups(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.5)
    listed = _listed_by(unit, period)
    # An empty team is stored as [] (people.services._clean_team).
    totals = listed.aggregate(total=Count("id"), missing=Count("id", filter=Q(team=[])))
    total = totals["total"]
    if not total:
        return Measured(value="无列管服务对象", deduction=0, waiting="辖区没有列管的服务对象")
    missing = (
        list(
            listed.filter(team=[]).values("id", "category_code", "resident__name").order_by("path", "id")[: LISTED + 1]
        )
        if totals["missing"]
        else []
    )
    shortfalls = capped(
        (
            Shortfall(
                text=f"重点人员「{mask_value(row['resident__name'])}」"
                f"（{SERVICE_CATEGORIES.get(row['category_code'][:2], '')}）未建立帮教小组",
                link=f"/people/categories/{row['id']}",
            )
            for row in missing
        ),
        "另有{n}名服务对象未建立帮教小组",
        KEY_PERSONS_LINK,
    )
    if totals["missing"] > len(missing):  # the rows beyond those read, folded into the last line
        shortfalls[-1] = Shortfall(
            text=f"另有{totals['missing'] - LISTED}名服务对象未建立帮教小组",
            count=totals["missing"] - LISTED,
            link=KEY_PERSONS_LINK,
        )
    return Measured(
        value=f"服务对象{total}名，{total - totals['missing']}名已建帮教小组",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@measure(
    "basic.facility_inspections",
    "治安设施按月巡检",
    "辖区（含下级）每一处在册治安设施在考核期内每个已结束的月份都应有巡检记录（自登记当月起算，"
    "安装日期早于登记的自安装当月起算，注销后不再要求）；"
    "少一次扣0.1分（第七条4）。辖区没有登记治安设施时暂不计算。",
    per_shortfall=0.1,
)
def facility_inspections(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.1)
    months = ended_months(period)
    # A facility is due from its installation date when that is known and earlier than its
    # registration (a register entered after the fact still owes the months it stood there).
    facilities = [
        f
        for f in Facility.objects.filter(subtree(unit))
        .filter(Q(created_at__lt=aware(period.end)) | Q(installed_on__lt=period.end))
        .exclude(is_retired=True, retired_at__lt=aware(period.start))
        .values("id", "name", "created_at", "installed_on", "retired_at")
        .order_by("path", "id")
    ]
    for f in facilities:
        registered = local_day(f["created_at"])
        f["since"] = min(registered, f["installed_on"]) if f["installed_on"] else registered
    if not facilities:
        return Measured(value="未登记治安设施", deduction=0, waiting="辖区没有登记治安设施")
    if not months:
        return Measured(value=f"治安设施{len(facilities)}处", deduction=0, waiting="考核期内还没有已结束的月份")
    inspected = {
        (row["facility_id"], as_date(row["month"]))
        for row in Inspection.objects.filter(
            subtree(unit, "facility__path"), inspected_on__gte=months[0][0], inspected_on__lt=months[-1][1]
        )
        .annotate(month=TruncMonth("inspected_on"))
        .values("facility_id", "month")
        .distinct()
    }
    due = 0
    found: list[Shortfall] = []
    for first, following in months:
        month_first = month_of(first)
        for f in facilities:
            if f["since"] >= following or (f["retired_at"] is not None and f["retired_at"] < aware(first)):
                continue
            due += 1
            if (f["id"], month_first) not in inspected:
                found.append(
                    Shortfall(
                        text=f"{f['name']}：{month_label(month_first)}未巡检", link=f"/places/facilities/{f['id']}"
                    )
                )
    shortfalls = capped(found, "另有{n}次未巡检", "/places/facilities")
    return Measured(
        value=f"应巡检{due}次，完成{due - len(found)}次",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@measure(
    "basic.grid_staff",
    "网格一长四员",
    "辖区（含下级）每个网格都应录入网格长、专职网格员、兼职网格员、网格民警、网格督导员（一长四员），"
    "以考核期末在任的人员为准；少一个扣0.1分（第七条5）。辖区没有网格时暂不计算。",
    per_shortfall=0.1,
)
def grid_staff(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.1)
    grids = list(
        Unit.objects.filter(subtree(unit), level="grid", is_retired=False)
        .values("id", "name", "parent__name")
        .order_by("path")
    )
    if not grids:
        return Measured(value="没有网格", deduction=0, waiting="辖区没有划分网格")
    last_day = period.end
    roles = {
        (row["unit_id"], row["grid_role"])
        for row in StaffMember.objects.filter(subtree(unit))
        .exclude(grid_role="")
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=last_day))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lt=last_day))
        .values("unit_id", "grid_role")
        .annotate(n=Count("id"))
    }
    found = [
        Shortfall(text=f"{g['parent__name'] or ''}{g['name']}缺{role.label}", link="/office/profile")
        for g in grids
        for role in GridRole
        if (g["id"], role.value) not in roles
    ]
    shortfalls = capped(found, "另有{n}个网格职务未配备", "/office/profile")
    wanted = len(grids) * len(GridRole)
    return Measured(
        value=f"{len(grids)}个网格应配{wanted}人，缺{number(len(found))}人",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )
