"""The login red light (/api/assess/logins) and the rubric, its scores, hand scores and rankings (/api/assess/rubric).

Handlers validate, fetch the unit through the caller's view scope (`get_visible`: out of scope
is a 404, audited), call a service of services_logins / services_rubric, and serialize."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import time.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from zongzhi.core.access import acting, require_cap
from zongzhi.core.errors import InvalidInput, NotFound
from zongzhi.core.months import check_month, month_of
from zongzhi.core.outputs import OutSchema
from zongzhi.core.scope import path_within, subtree_q, unit_in_view
from zongzhi.units.models import Unit, User
from zongzhi.units.schemas import UnitBrief

from . import services_evidence as evidence
from . import services_logins as logins
from . import services_rubric as engine
from .models import Rubric, RubricItem, RubricSection

router = Router(tags=["考核评估"])

PeriodKind = Literal["month", "quarter", "year"]
LightsKind = Literal["week", "month", "year"]


def _unit(user: User, unit_id: int | None) -> Unit:
    """The unit of `?unit=` / `unit_id` (`core.scope.unit_in_view`); each service then checks
    the capability its work needs."""
    unit: Unit = unit_in_view(Unit.objects.defer("boundary"), user, unit_id)
    return unit


# ---------------------------------------------------------------- the red light


class LightColumnOut(OutSchema):
    key: str
    label: str
    kind: str
    start: dt.date
    end: dt.date = Field(description="结束日的次日")
    state: str = Field(description="closed 已结束 / open 进行中 / future 未开始")


class LightCellOut(OutSchema):
    count: int = Field(description="登录次数；单位行为亮红灯的人数")
    light: str = Field(description="green / red / pending（进行中未达标）/ none")


class LightRowOut(OutSchema):
    id: int
    name: str
    unit_name: str
    light: str
    workers: int
    cells: list[LightCellOut]


class LightsOut(OutSchema):
    unit: UnitBrief
    kind: str
    week_min: int
    month_min: int
    columns: list[LightColumnOut]
    units: list[LightRowOut]
    workers: list[LightRowOut]


def _row(r: logins.Row) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "unit_name": r.unit_name,
        "light": r.light,
        "workers": r.workers,
        "cells": [{"count": c, "light": light} for c, light in r.cells],
    }


@router.get("/logins", response=LightsOut)
def login_lights(
    request: HttpRequest, unit: int | None = None, kind: LightsKind = "week", date: dt.date | None = None
) -> dict[str, Any]:
    """The login red light of the unit's child units and of its workers: this week (`week`),
    the weeks of a month (`month`) or the months of a year (`year`) holding `date`."""
    user = acting(request)
    target = _unit(user, unit)
    out = logins.login_lights(acting_user=user, unit=target, kind=kind, day=date or timezone.localdate())
    return {
        "unit": out.unit,
        "kind": out.kind,
        "week_min": out.week_min,
        "month_min": out.month_min,
        "columns": out.columns,
        "units": [_row(r) for r in out.units],
        "workers": [_row(r) for r in out.workers],
    }


# ---------------------------------------------------------------- the rubric


class AssessMeasureOut(OutSchema):
    code: str
    label: str
    description: str
    params: dict[str, Any]


class RubricItemOut(OutSchema):
    id: int
    section_id: int
    number: str
    text: str
    points: Decimal
    measure: str
    measure_label: str = Field(description="计算规则名称；空为人工评分；未启用的规则为空")
    params: dict[str, Any]
    is_active: bool


class RubricSectionOut(OutSchema):
    id: int
    number: str
    name: str
    points: Decimal


class RubricBrief(OutSchema):
    id: int
    year: int | None
    title: str
    unit: UnitBrief | None
    is_default: bool
    editable: bool


class RubricOut(RubricBrief):
    login_week_min: int
    login_month_min: int
    points: Decimal
    sections: list[RubricSectionOut]
    items: list[RubricItemOut]


def _editable(user: User, r: Rubric) -> bool:
    return r.unit_id is not None and user.has_cap("assess.configure") and path_within(r.path, user.capture_paths)


def _brief(user: User, r: Rubric) -> dict[str, Any]:
    return {
        "id": r.pk,
        "year": r.year,
        "title": r.title,
        "unit": r.unit,
        "is_default": r.unit_id is None,
        "editable": _editable(user, r),
    }


def _rubric_out(user: User, r: Rubric) -> dict[str, Any]:
    measures = engine.load_measures()
    items = list(r.items.order_by("sort", "id"))
    sections = list(r.sections.order_by("sort"))
    return {
        **_brief(user, r),
        "login_week_min": r.login_week_min,
        "login_month_min": r.login_month_min,
        "points": sum((i.points for i in items if i.is_active), Decimal(0)),
        "sections": [
            {
                "id": s.pk,
                "number": s.number,
                "name": s.name,
                "points": sum((i.points for i in items if i.section_id == s.pk and i.is_active), Decimal(0)),
            }
            for s in sections
        ],
        "items": [
            {
                "id": i.pk,
                "section_id": i.section_id,
                "number": i.number,
                "text": i.text,
                "points": i.points,
                "measure": i.measure,
                "measure_label": measures[i.measure].label if i.measure in measures else "",
                "params": i.params,
                "is_active": i.is_active,
            }
            for i in items
        ],
    }


def _visible_rubrics(user: User) -> Any:
    """The default, and the rubrics of units in the caller's view scope or above it (the rules
    the caller's units are assessed with)."""
    above = {p[:n] for p in user.view_paths for n in range(1, len(p))}
    q = Q(unit__isnull=True) | Q(path__in=above)
    if user.view_paths:
        q |= subtree_q(user.view_paths)
    return Rubric.objects.filter(q).select_related("unit")


def _rubric(user: User, rubric_id: int) -> Rubric:
    found: Rubric | None = _visible_rubrics(user).filter(pk=rubric_id).first()
    if found is None:
        raise NotFound("考评细则不存在")
    return found


@router.get("/measures", response=list[AssessMeasureOut])
def measures(request: HttpRequest) -> list[dict[str, Any]]:
    """The registered computed items (codes an item may name as its rule)."""
    acting(request)
    return [
        {"code": m.code, "label": m.label, "description": m.description, "params": m.params}
        for m in sorted(engine.load_measures().values(), key=lambda m: m.code)
    ]


@router.get("/rubrics", response=list[RubricBrief])
def rubrics(request: HttpRequest) -> list[dict[str, Any]]:
    """The built-in default and the year rubrics of the caller's units and the units above."""
    user = acting(request)
    return [_brief(user, r) for r in _visible_rubrics(user).order_by("-year", "path")]


@router.get("/rubrics/{rubric_id}", response=RubricOut)
def rubric_detail(request: HttpRequest, rubric_id: int) -> dict[str, Any]:
    user = acting(request)
    return _rubric_out(user, _rubric(user, rubric_id))


class RubricCreateIn(Schema):
    unit_id: int
    year: int = Field(ge=2000, le=2100)
    source_id: int | None = None


@router.post("/rubrics", response={201: RubricOut})
def rubric_create(request: HttpRequest, payload: RubricCreateIn) -> Status[dict[str, Any]]:
    """A year's rubric for an assessing unit: a copy of `source_id`, else of its rubric of the
    year before, else of the default (`assess.configure`)."""
    user = acting(request)
    require_cap(user, "assess.configure", "没有编辑考评细则的权限")
    unit = _unit(user, payload.unit_id)
    source = _rubric(user, payload.source_id) if payload.source_id else None
    r = engine.copy_rubric(acting_user=user, unit=unit, year=payload.year, source=source)
    return Status(201, _rubric_out(user, r))


class RubricPatchIn(Schema):
    title: str = Field(max_length=100)
    login_week_min: int = Field(ge=1, le=50)
    login_month_min: int = Field(ge=1, le=200)


@router.patch("/rubrics/{rubric_id}", response=RubricOut)
def rubric_update(request: HttpRequest, rubric_id: int, payload: RubricPatchIn) -> dict[str, Any]:
    user = acting(request)
    r = _rubric(user, rubric_id)
    engine.update_rubric(
        acting_user=user,
        rubric=r,
        title=payload.title,
        login_week_min=payload.login_week_min,
        login_month_min=payload.login_month_min,
    )
    return _rubric_out(user, r)


class RubricItemIn(Schema):
    section_id: int
    number: str = Field(max_length=20)
    text: str = Field(max_length=2000)
    points: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
    measure: str = Field("", max_length=60)
    params: dict[str, Any] = Field(default_factory=dict)
    is_active: bool = True


def _save_item(user: User, r: Rubric, item: RubricItem | None, payload: RubricItemIn) -> RubricItem:
    section = RubricSection.objects.filter(pk=payload.section_id, rubric=r).first()
    if section is None:
        raise InvalidInput.field("section_id", "章节不属于该细则", code="invalid_section")
    return engine.save_item(
        acting_user=user,
        rubric=r,
        item=item,
        section=section,
        number=payload.number,
        text=payload.text,
        points=payload.points,
        measure=payload.measure,
        params=payload.params,
        is_active=payload.is_active,
    )


@router.post("/rubrics/{rubric_id}/items", response={201: RubricOut})
def item_create(request: HttpRequest, rubric_id: int, payload: RubricItemIn) -> Status[dict[str, Any]]:
    user = acting(request)
    r = _rubric(user, rubric_id)
    _save_item(user, r, None, payload)
    return Status(201, _rubric_out(user, r))


@router.put("/rubrics/{rubric_id}/items/{item_id}", response=RubricOut)
def item_update(request: HttpRequest, rubric_id: int, item_id: int, payload: RubricItemIn) -> dict[str, Any]:
    user = acting(request)
    r = _rubric(user, rubric_id)
    item = RubricItem.objects.filter(pk=item_id, rubric=r).first()
    if item is None:
        raise NotFound("考评项目不存在")
    _save_item(user, r, item, payload)
    return _rubric_out(user, r)


# ---------------------------------------------------------------- scores


class AssessPeriodOut(OutSchema):
    kind: str
    start: dt.date
    end: dt.date
    label: str
    months: list[dt.date]


class RankLineOut(OutSchema):
    rank: int
    unit: UnitBrief
    total: Decimal
    deducted: Decimal
    sections: dict[str, Decimal] = Field(description="章节 id → 得分")
    waiting: int
    unscored: int


class RankingOut(OutSchema):
    parent: UnitBrief
    period: AssessPeriodOut
    sections: list[RubricSectionOut]
    lines: list[RankLineOut]
    missing_months: list[dt.date] = Field(
        description="期内尚未计算得分的月份（未计算：已结束的月份由每月任务或重新计算得出，查看时不计算）"
    )


def _period(kind: str, day: dt.date | None) -> tuple[str, Any]:
    p = engine.period_of(kind, day or timezone.localdate())
    return kind, p


def _period_out(kind: str, p: Any) -> dict[str, Any]:
    return {"kind": kind, "start": p.start, "end": p.end, "label": p.label, "months": engine.months_in(p)}


def _sections(r: Rubric | None) -> list[dict[str, Any]]:
    if r is None:
        return []
    items = list(r.items.filter(is_active=True))
    return [
        {
            "id": s.pk,
            "number": s.number,
            "name": s.name,
            "points": sum((i.points for i in items if i.section_id == s.pk), Decimal(0)),
        }
        for s in r.sections.order_by("sort")
    ]


@router.get("/scores/ranking", response=RankingOut)
def ranking(
    request: HttpRequest, unit: int | None = None, period: PeriodKind = "month", date: dt.date | None = None
) -> dict[str, Any]:
    """The units directly below `unit` ranked by their scores for the period."""
    user = acting(request)
    parent = _unit(user, unit)
    kind, p = _period(period, date)
    result = engine.ranking(acting_user=user, parent=parent, period=p)
    rubric = result.rubric or (
        engine.assessing_rubric(parent, p.start.year) or engine._rubric_over(parent.path, p.start.year)
    )
    return {
        "parent": parent,
        "period": _period_out(kind, p),
        "sections": _sections(rubric),
        "missing_months": result.missing_months,
        "lines": [
            {
                "rank": line.rank,
                "unit": line.unit,
                "total": line.total,
                "deducted": line.deducted,
                "sections": line.sections,
                "waiting": line.waiting,
                "unscored": line.unscored,
            }
            for line in result.lines
        ],
    }


class EvidenceFileOut(OutSchema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    url: str
    thumbnail_url: str | None


class SheetItemOut(OutSchema):
    id: int
    number: str
    text: str
    points: Decimal
    score: Decimal
    deduction: Decimal = Field(description="按规则的扣分（期内各月合计，未封顶）")
    status: str = Field(description="computed 已计算 / waiting 待计算 / hand 已评分 / unscored 未评分")
    measure: str
    value: str = Field(description="最近一月的测得值")
    note: str
    shortfall_count: int
    files: list[EvidenceFileOut] = Field(description="人工评分的佐证文件（期内各月）")


class SheetSectionOut(OutSchema):
    id: int
    number: str
    name: str
    points: Decimal
    score: Decimal
    items: list[SheetItemOut]


class SheetOut(OutSchema):
    unit: UnitBrief
    period: AssessPeriodOut
    rubric: RubricBrief
    total: Decimal
    points: Decimal
    waiting: int
    unscored: int
    computed_at: dt.datetime | None
    missing_months: list[dt.date] = Field(description="期内尚未计算得分的月份（未计算）")
    sections: list[SheetSectionOut]


@router.get("/scores/sheet", response=SheetOut)
def sheet(
    request: HttpRequest, unit: int | None = None, period: PeriodKind = "month", date: dt.date | None = None
) -> dict[str, Any]:
    """One unit's sheet: sections and items with points, scores, deductions, measured values."""
    user = acting(request)
    target = _unit(user, unit)
    kind, p = _period(period, date)
    s = engine.unit_sheet(acting_user=user, unit=target, period=p)
    files = evidence.files_for_items(target.pk, s.months)
    return {
        "unit": s.unit,
        "period": _period_out(kind, p),
        "rubric": _brief(user, s.rubric),
        "total": s.total,
        "points": s.points,
        "waiting": s.waiting,
        "unscored": s.unscored,
        "computed_at": s.computed_at,
        "missing_months": s.missing_months,
        "sections": [
            {
                "id": sec.section.pk,
                "number": sec.section.number,
                "name": sec.section.name,
                "points": sec.points,
                "score": sec.score,
                "items": [
                    {
                        "id": line.item.pk,
                        "number": line.item.number,
                        "text": line.item.text,
                        "points": line.points,
                        "score": line.score,
                        "deduction": line.deduction,
                        "status": line.status,
                        "measure": line.item.measure,
                        "value": line.value,
                        "note": line.note,
                        "shortfall_count": line.shortfall_count,
                        "files": files.get(line.item.pk, []),
                    }
                    for line in sec.items
                ],
            }
            for sec in s.sections
        ],
    }


class ShortfallOut(OutSchema):
    text: str
    count: float
    link: str


class MonthShortfallsOut(OutSchema):
    month: dt.date
    value: str
    deduction: Decimal
    status: str
    shortfalls: list[ShortfallOut]


class ShortfallsOut(OutSchema):
    unit: UnitBrief
    item: SheetItemOut
    months: list[MonthShortfallsOut]


@router.get("/scores/shortfalls", response=ShortfallsOut)
def shortfalls(
    request: HttpRequest, item: int, unit: int | None = None, period: PeriodKind = "month", date: dt.date | None = None
) -> dict[str, Any]:
    """The drill-down of one item's deduction: the records behind it, month by month."""
    user = acting(request)
    target = _unit(user, unit)
    found = RubricItem.objects.filter(pk=item).first()
    if found is None:
        raise NotFound("考评项目不存在")
    _kind, p = _period(period, date)
    months = engine.item_shortfalls(acting_user=user, unit=target, item=found, period=p)
    return {
        "unit": target,
        "item": {
            "id": found.pk,
            "number": found.number,
            "text": found.text,
            "points": found.points,
            "score": Decimal(0),
            "deduction": sum((m.deduction for m in months), Decimal(0)),
            "status": months[-1].status if months else "",
            "measure": found.measure,
            "value": months[-1].value if months else "",
            "note": "",
            "shortfall_count": sum(len(m.shortfalls) for m in months),
            "files": evidence.files_for_items(target.pk, [m.month for m in months]).get(found.pk, []),
        },
        "months": [
            {
                "month": m.month,
                "value": m.value,
                "deduction": m.deduction,
                "status": m.status,
                "shortfalls": m.shortfalls,
            }
            for m in months
        ],
    }


class RecomputeIn(Schema):
    unit_id: int
    month: dt.date


class RecomputeOut(OutSchema):
    units: int
    computed_at: dt.datetime


@router.post("/scores/recompute", response=RecomputeOut)
def recompute(request: HttpRequest, payload: RecomputeIn) -> dict[str, Any]:
    """重新计算: the month's scores of the units directly below `unit_id` (`assess.score`)."""
    user = acting(request)
    parent = _unit(user, payload.unit_id)
    scores = engine.recompute(acting_user=user, parent=parent, month=payload.month)
    return {"units": len(scores), "computed_at": timezone.now()}


# ---------------------------------------------------------------- hand scores


class HandItemOut(OutSchema):
    id: int
    number: str
    text: str
    points: Decimal
    measure: str


class HandCellOut(OutSchema):
    unit_id: int
    item_id: int
    status: str
    score: Decimal | None
    note: str
    evidence: str
    files: list[EvidenceFileOut]
    scored_by: str
    scored_at: dt.datetime | None


class HandOut(OutSchema):
    parent: UnitBrief
    month: dt.date
    can_score: bool
    units: list[UnitBrief]
    items: list[HandItemOut]
    cells: list[HandCellOut]


@router.get("/hand", response=HandOut)
def hand(request: HttpRequest, unit: int | None = None, month: dt.date | None = None) -> dict[str, Any]:
    """The hand items (and 待计算 items) of the units directly below `unit` for the month."""
    user = acting(request)
    parent = _unit(user, unit)
    first = check_month(month) if month is not None else month_of(timezone.localdate())
    children, items, cells = engine.hand_items(acting_user=user, parent=parent, month=first)
    files = evidence.files_by_score([c.score.pk for c in cells if c.score])
    return {
        "parent": parent,
        "month": first,
        "can_score": user.has_cap("assess.score") and path_within(parent.path, user.capture_paths),
        "units": children,
        "items": [
            {"id": i.pk, "number": i.number, "text": i.text, "points": i.points, "measure": i.measure} for i in items
        ],
        "cells": [
            {
                "unit_id": c.unit.pk,
                "item_id": c.item.pk,
                "status": c.status,
                "score": c.score.score if c.score else None,
                "note": c.score.note if c.score else "",
                "evidence": c.score.evidence if c.score else "",
                "files": files.get(c.score.pk, []) if c.score else [],
                "scored_by": (c.score.scored_by.full_name or c.score.scored_by.username)
                if c.score and c.score.scored_by
                else "",
                "scored_at": c.score.scored_at if c.score else None,
            }
            for c in cells
        ],
    }


class HandScoreIn(Schema):
    unit_id: int
    item_id: int
    month: dt.date
    score: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    note: str = Field("", max_length=500)
    evidence: str = Field("", max_length=1000, description="佐证材料：文件号、督查记录等引用")
    attachment_ids: list[int] | None = Field(
        None, max_length=9, description="佐证文件（/api/assess/hand/uploads 的 id，含保留的旧文件）；不传则不修改"
    )


class HandScoreOut(OutSchema):
    unit_id: int
    item_id: int
    month: dt.date
    score: Decimal
    note: str
    evidence: str
    files: list[EvidenceFileOut]
    scored_at: dt.datetime


@router.post("/hand/uploads", response={201: EvidenceFileOut})
def hand_upload(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Upload one evidence file (photo, PDF, Word, Excel) for a hand score; name its id in
    `attachment_ids` when saving the score."""
    return Status(201, evidence.file_out(evidence.upload_evidence(acting_user=acting(request), upload=file)))


@router.put("/hand", response=HandScoreOut)
def hand_score(request: HttpRequest, payload: HandScoreIn) -> dict[str, Any]:
    """The unit above scores one hand item of a unit for a month (`assess.score`), audited."""
    user = acting(request)
    target = _unit(user, payload.unit_id)
    item = RubricItem.objects.filter(pk=payload.item_id).first()
    if item is None:
        raise NotFound("考评项目不存在")
    row = engine.set_hand_score(
        acting_user=user,
        unit=target,
        item=item,
        month=payload.month,
        score=payload.score,
        note=payload.note,
        evidence=payload.evidence,
        attachment_ids=payload.attachment_ids,
    )
    return {
        "unit_id": target.pk,
        "item_id": item.pk,
        "month": row.month,
        "score": row.score,
        "note": row.note,
        "evidence": row.evidence,
        "files": evidence.files_by_score([row.pk]).get(row.pk, []),
        "scored_at": row.scored_at,
    }
