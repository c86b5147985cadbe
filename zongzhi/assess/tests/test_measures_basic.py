"""基础信息 (seed 003 第七条): the eight kinds of service object, their assistance teams, the
monthly facility inspections, the grid teams (一长四员)."""

from __future__ import annotations

import datetime as dt

import pytest

from zongzhi.assess.measures import Period
from zongzhi.people.models import PersonCategory
from zongzhi.places.models import Facility
from zongzhi.units.models import Unit

from .measures_factories import (
    G1,
    G2,
    V1,
    V2,
    T,
    at,
    facility,
    get,
    inspection,
    last_month,
    listing,
    resident,
    run,
    staff,
    texts,
    this_month,
)

pytestmark = pytest.mark.django_db


def test_service_categories_deduct_a_tenth_per_kind_missing_and_count_only_the_subtree() -> None:
    p = last_month()
    before = p.start - dt.timedelta(days=40)
    v1 = get(V1)
    assert run("basic.service_categories", v1, p).waiting  # no residents at all yet
    for code in ("01", "02", "03", "04", "05", "0601"):  # a youth sub-kind counts as 重点青少年
        listing(get(G1), code, listed_on=before)
    listing(get(G1), "09", listed_on=before)  # 危险品从业人员: not one of the eight
    listing(get(V2), "07", listed_on=before)  # the sibling's 重点上访人员 does not count
    m = run("basic.service_categories", v1, p)
    assert m.value == "8类中录入6类" and m.deduction == pytest.approx(0.2)
    assert texts(m) == ["未录入重点上访人员", "未录入邪教人员"]
    assert all(s.link == "/people/key-persons" for s in m.shortfalls)
    # the township sees both villages: seven kinds
    assert run("basic.service_categories", get(T), p).deduction == pytest.approx(0.1)
    # listed after the period: not yet there
    listing(get(G2), "08", listed_on=p.end)
    assert run("basic.service_categories", v1, p).deduction == pytest.approx(0.2)


def test_service_categories_with_residents_but_no_key_person_lose_all_eight() -> None:
    resident(get(G1))
    m = run("basic.service_categories", get(V1), last_month())
    assert not m.waiting and m.value == "8类中录入0类" and m.deduction == pytest.approx(0.8)


def test_help_groups_deduct_half_a_point_per_key_person_without_a_team() -> None:
    p = last_month()
    v1 = get(V1)
    assert run("basic.help_groups", v1, p).waiting == "辖区没有列管的服务对象"
    with_team = listing(get(G1), "01", name="王建国", listed_on=p.start)
    without = listing(get(G1), "02", name="李小明", listed_on=p.start, team=[])
    listing(get(V2), "03", listed_on=p.start, team=[])  # the sibling's
    m = run("basic.help_groups", v1, p)
    assert m.deduction == pytest.approx(0.5) and m.value == "服务对象2名，1名已建帮教小组"
    assert texts(m) == ["重点人员「李**」（社区矫正人员）未建立帮教小组"]
    assert m.shortfalls[0].link == f"/people/categories/{without.pk}"
    assert "王" not in "".join(texts(m)) and with_team.pk
    # a care recipient needs no assistance team
    listing(get(G1), "01", group="care", listed_on=p.start, team=[])
    assert run("basic.help_groups", v1, p).deduction == pytest.approx(0.5)
    # released before the period began: no longer counted
    PersonCategory.objects.filter(pk=without.pk).update(is_retired=True, retired_at=at(p.start - dt.timedelta(days=3)))
    assert run("basic.help_groups", v1, p).deduction == 0


def test_facility_inspections_deduct_a_tenth_per_month_without_one() -> None:
    p = last_month()
    v1 = get(V1)
    assert run("basic.facility_inspections", v1, p).waiting == "辖区没有登记治安设施"
    done = facility(get(G1), "冯墙路口探头", p.start - dt.timedelta(days=60))
    missed = facility(get(G2), "村委会岗亭", p.start - dt.timedelta(days=60))
    facility(get(G1), "新装探头", p.end)  # registered after the period: not yet due
    sibling = facility(get(V2), "邻村探头", p.start - dt.timedelta(days=60))
    inspection(done, p.start + dt.timedelta(days=3))
    inspection(missed, p.start - dt.timedelta(days=1))  # the month before does not count
    m = run("basic.facility_inspections", v1, p)
    assert m.value == "应巡检2次，完成1次" and m.deduction == pytest.approx(0.1)
    assert texts(m) == [f"村委会岗亭：{p.label}未巡检"]
    assert m.shortfalls[0].link == f"/places/facilities/{missed.pk}"
    inspection(sibling, p.start + dt.timedelta(days=2))  # the sibling's inspection is not ours
    inspection(missed, p.end - dt.timedelta(days=1))  # the month's last day
    assert run("basic.facility_inspections", v1, p).deduction == 0
    # registered after the period but installed before it: its months are owed
    Facility.objects.filter(name="新装探头").update(installed_on=p.start - dt.timedelta(days=90))
    m = run("basic.facility_inspections", v1, p)
    assert m.deduction == pytest.approx(0.1) and texts(m) == [f"新装探头：{p.label}未巡检"]
    # the month in progress is not judged yet
    assert run("basic.facility_inspections", v1, this_month()).waiting


def test_facility_inspections_of_a_quarter_count_each_month() -> None:
    p = last_month()
    start = ((p.start - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    quarter = Period(start, p.end, "三个月")
    f = facility(get(G1), "冯墙路口探头", start - dt.timedelta(days=5))
    inspection(f, start + dt.timedelta(days=1))
    m = run("basic.facility_inspections", get(V1), quarter)
    assert m.value == "应巡检3次，完成1次" and m.deduction == pytest.approx(0.2) and len(m.shortfalls) == 2


def test_grid_staff_deduct_a_tenth_per_missing_role() -> None:
    p = last_month()
    v1 = get(V1)
    for role, name in (("head", "网格长甲"), ("full_time", "专职甲"), ("part_time", "兼职甲"), ("police", "民警甲")):
        staff(get(G1), role, name)
    staff(get(G1), "supervisor", "督导甲", left_on=p.start)  # left before the period's end
    staff(get(V2 + "001"), "supervisor", "邻村督导")  # the sibling's grid
    m = run("basic.grid_staff", v1, p)
    # G1 lacks its supervisor, G2 all five
    assert m.deduction == pytest.approx(0.6) and m.value == "2个网格应配10人，缺6人"
    assert "冯墙社区" in texts(m)[0] and texts(m)[0].endswith("缺网格督导员")
    assert all(s.link == "/office/profile" for s in m.shortfalls)
    assert run("basic.grid_staff", get(G1), p).deduction == pytest.approx(0.1)  # the grid alone


def test_grid_staff_wait_where_there_are_no_grids() -> None:
    assert run("basic.grid_staff", get(G1), last_month()).deduction == pytest.approx(0.5)
    Unit.objects.filter(code__startswith=V2, level="grid").update(is_retired=True)
    m = run("basic.grid_staff", get(V2), last_month())
    assert m.waiting == "辖区没有划分网格" and m.deduction == 0


def test_a_long_list_names_the_first_hundred_and_folds_the_rest_with_its_count() -> None:
    p = last_month()
    for n in range(103):
        listing(get(G1), "01", name=f"王{n}", listed_on=p.start, team=[])
    m = run("basic.help_groups", get(V1), p)
    assert m.deduction == pytest.approx(103 * 0.5) and len(m.shortfalls) == 101
    assert m.shortfalls[-1].text == "另有3名服务对象未建立帮教小组" and m.shortfalls[-1].count == 3
