"""Computed items of 基础信息 (seed 003 第七条): the eight kinds of service object, an
assistance team (帮教小组) for each, monthly inspections of the security facilities, and the
grid teams (一长四员)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
    run_q,
    split,
    units_having,
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


def _listed_by(run: Run, period: Period) -> Any:
    """The key persons of the eight kinds listed under the run's units by the end of the period
    and not released before it began."""
    return PersonCategory.objects.filter(
        run_q(run),
        group=Group.KEY,
        listed_on__lt=period.end,
        category_code__gte="01",
        category_code__lt="09",  # 01–08 and their sub-kinds (0601 …)
    ).filter(Q(is_retired=False) | Q(retired_at__gte=aware(period.start)))


def _kinds_present(run: Run, period: Period) -> dict[str, set[str] | None]:
    """Each unit's kinds of service object listed under it; None for a unit with neither a key
    person nor a resident (waiting). Two queries: the kinds by path, then which of the units
    without any have residents."""
    rows = _listed_by(run, period).annotate(top=Substr("category_code", 1, 2)).values("path", "top").distinct()
    present = {path: {r["top"] for r in part} for path, part in split(run, rows, lambda r: r["path"]).items()}
    empty = [path for path, kinds in present.items() if not kinds]
    peopled = units_having(run, Resident.objects.filter(is_retired=False)) if empty else set()
    return {path: kinds if kinds or path in peopled else None for path, kinds in present.items()}


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
    present = run.part(unit, ("service_kinds", period), lambda r: _kinds_present(r, period))
    if present is None:
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


@dataclass
class _Teams:
    """A unit's listed service objects: how many, how many without a team, and the first
    LISTED + 1 of those (by path and id)."""

    total: int = 0
    missing: int = 0
    first_missing: list[dict[str, Any]] = field(default_factory=list)


def _teams(run: Run, period: Period) -> dict[str, _Teams]:
    """Every unit's `_Teams`: the listings counted by path, and the listings without a team read
    once for all the units (two queries)."""
    listed = _listed_by(run, period)
    out = {path: _Teams() for path in run.paths}
    # An empty team is stored as [] (people.services._clean_team).
    counts = listed.values("path").annotate(total=Count("id"), missing=Count("id", filter=Q(team=[]))).order_by()
    for path, part in split(run, counts, lambda r: r["path"]).items():
        out[path].total = sum(r["total"] for r in part)
        out[path].missing = sum(r["missing"] for r in part)
    if any(t.missing for t in out.values()):
        rows = listed.filter(team=[]).values("id", "path", "category_code", "resident__name").order_by("path", "id")
        for path, part in split(run, rows, lambda r: r["path"]).items():
            out[path].first_missing = part[: LISTED + 1]
    return out


@measure(
    "basic.help_groups",
    "服务对象帮教小组",
    "8类服务对象中每一名列管人员都应建立帮教小组（列管信息中至少一名小组成员）；无帮教组织一个扣0.5分（第七条3）。"
    "辖区没有列管的服务对象时暂不计算。",
    per_shortfall=0.5,
)
def help_groups(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.5)
    teams = run.part(unit, ("teams", period), lambda r: _teams(r, period))
    total = teams.total
    if not total:
        return Measured(value="无列管服务对象", deduction=0, waiting="辖区没有列管的服务对象")
    missing = teams.first_missing
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
    if teams.missing > len(missing):  # the rows beyond those read, folded into the last line
        shortfalls[-1] = Shortfall(
            text=f"另有{teams.missing - LISTED}名服务对象未建立帮教小组",
            count=teams.missing - LISTED,
            link=KEY_PERSONS_LINK,
        )
    return Measured(
        value=f"服务对象{total}名，{total - teams.missing}名已建帮教小组",
        deduction=deduction_of(shortfalls, per),
        shortfalls=shortfalls,
    )


@dataclass
class _Facilities:
    """A unit's facilities due in the period (by path and id) and the (facility, month) pairs
    inspected."""

    facilities: list[dict[str, Any]]
    inspected: set[tuple[int, dt.date]]


def _facilities(run: Run, period: Period, months: list[tuple[dt.date, dt.date]]) -> dict[str, _Facilities]:
    """Every unit's facilities due in the period, and the months each facility was inspected
    (two queries for the run)."""
    # A facility is due from its installation date when that is known and earlier than its
    # registration (a register entered after the fact still owes the months it stood there).
    facilities = list(
        Facility.objects.filter(run_q(run))
        .filter(Q(created_at__lt=aware(period.end)) | Q(installed_on__lt=period.end))
        .exclude(is_retired=True, retired_at__lt=aware(period.start))
        .values("id", "path", "name", "created_at", "installed_on", "retired_at")
        .order_by("path", "id")
    )
    for f in facilities:
        registered = local_day(f["created_at"])
        f["since"] = min(registered, f["installed_on"]) if f["installed_on"] else registered
    inspected: set[tuple[int, dt.date]] = set()  # by facility id: each unit looks up its own
    if facilities and months:
        inspected = {
            (row["facility_id"], as_date(row["month"]))
            for row in Inspection.objects.filter(
                run_q(run, "facility__path"), inspected_on__gte=months[0][0], inspected_on__lt=months[-1][1]
            )
            .annotate(month=TruncMonth("inspected_on"))
            .values("facility_id", "month")
            .distinct()
        }
    return {path: _Facilities(mine, inspected) for path, mine in split(run, facilities, lambda f: f["path"]).items()}


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
    mine = run.part(unit, ("facilities", period), lambda r: _facilities(r, period, months))
    facilities = mine.facilities
    if not facilities:
        return Measured(value="未登记治安设施", deduction=0, waiting="辖区没有登记治安设施")
    if not months:
        return Measured(value=f"治安设施{len(facilities)}处", deduction=0, waiting="考核期内还没有已结束的月份")
    inspected = mine.inspected
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


def _grid_staff(run: Run, period: Period) -> dict[str, tuple[list[dict[str, Any]], set[tuple[int, str]]]]:
    """Every unit's grids (by path) and the (grid, role) pairs held at the period's end under
    it: two queries for the run."""
    grids = (
        Unit.objects.filter(run_q(run), level="grid", is_retired=False)
        .values("id", "path", "name", "parent__name")
        .order_by("path")
    )
    last_day = period.end
    roles = (
        StaffMember.objects.filter(run_q(run))
        .exclude(grid_role="")
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=last_day))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lt=last_day))
        .values("path", "unit_id", "grid_role")
        .distinct()
    )
    held = split(run, roles, lambda r: r["path"])
    return {
        path: (mine, {(r["unit_id"], r["grid_role"]) for r in held[path]})
        for path, mine in split(run, grids, lambda g: g["path"]).items()
    }


@measure(
    "basic.grid_staff",
    "网格一长四员",
    "辖区（含下级）每个网格都应录入网格长、专职网格员、兼职网格员、网格民警、网格督导员（一长四员），"
    "以考核期末在任的人员为准；少一个扣0.1分（第七条5）。辖区没有网格时暂不计算。",
    per_shortfall=0.1,
)
def grid_staff(unit: Unit, period: Period, params: dict[str, Any], run: Run) -> Measured:
    per = points(params, "per_shortfall", 0.1)
    grids, roles = run.part(unit, ("grid_staff", period), lambda r: _grid_staff(r, period))
    if not grids:
        return Measured(value="没有网格", deduction=0, waiting="辖区没有划分网格")
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
