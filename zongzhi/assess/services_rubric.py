"""The rubric engine (seed 003 应用管理考评办法): which rubric applies, scoring a unit for a
period, hand scores, rankings among siblings.

Public functions (the bulletin and the pages build on these):

- `month_period(month)`, `period_of(kind, day)`, `months_in(period)` — the periods: a month,
  a quarter, a year (`measures.Period`).
- `rubric_for(unit, year)` — the rubric a unit is assessed with: the year's rubric of its
  parent, else of the nearest ancestor that has one (a township without its own 细则 uses the
  county's 办法), else the built-in default (`default_rubric()`).
- `copy_rubric(acting_user=, unit=, year=, source=None)` — a year's rubric for an assessing
  unit, copied from `source`, else from its own rubric of the year before, else the default.
- `score_units(units, month)` — THE ENGINE: scores every unit for the month and keeps the
  results (`ItemResult` per item, `UnitScore` per unit). Per item:
    1. a computed item whose measure is registered in `MEASURES`: the measure's function gets
       the unit, the month and its params (the measure's defaults, the item's `params` over
       them, and `points`); score = max(0, points − deduction); the measured value and the
       shortfalls (each with its link) are kept;
    2. a computed item whose measure is not registered, or whose measure says `waiting`
       (the records it reads do not exist yet), is 待计算 and left to hand scoring;
    3. a hand item (and a 待计算 one) takes its hand score of the month if there is one;
       without one it is 未评分 and COUNTED AS FULL POINTS (the rubric deducts: a unit keeps
       its points until the unit above finds a fault), flagged on every page.
  A unit's month total is the sum of its items' scores.
- `ensure_scored(units, months)` — what a page reads: the current month is scored on the read
  for the units that have no results yet; a closed month never is (the monthly job and
  重新计算 score it, `score_units`); the months still without results are returned and the
  pages show them as 未计算 (`missing_months`).
- `combine(unit, period)` — a unit's result for a month, quarter or year: each item's score is
  the MEAN of its monthly scores over the period's months up to the current one (so a quarter
  and a year stay on the 100-point scale, and a year in progress counts the months so far);
  deductions and shortfalls are the months' together.
- `ranking(acting_user=, parent=, period=)` — the units directly below `parent`, with their
  combined totals, ranked (equal totals share a rank: 1, 2, 2, 4).
- `unit_sheet(acting_user=, unit=, period=)` — one unit's sheet: sections, items, deductions,
  measured values, statuses.
- `item_shortfalls(acting_user=, unit=, item=, period=)` — the drill-down: the records behind
  one item's deduction, month by month.
- `set_hand_score(acting_user=, unit=, item=, month=, score=, note=, evidence=)` — the unit
  above scores a hand item (capability `assess.score`), audited `assess.hand_scored` with
  before and after; the month is rescored.
- `monthly_job(today)` — the periodic job: scores last month once it has ended and refreshes
  the current month.

Scope: a user reads the scores of units under their view scope (a village its own, never a
sibling's); rankings of a parent's units need the parent in view scope. Scoring by hand needs
the unit strictly below one of the user's capture units (the unit above assesses).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.core.access import require_cap
from zongzhi.core.errors import AuditNote, Forbidden, InvalidInput, NotFound, OutOfScope
from zongzhi.core.masking import mask_text
from zongzhi.core.months import check_month, next_month
from zongzhi.core.months import month_of as month_start
from zongzhi.core.scope import path_within, require_visible
from zongzhi.units.models import LEVEL_ORDER, PATH_LENGTH, Level, Unit, User

from .measures import MEASURES, Measured, Period, Run
from .models import HandScore, ItemResult, Rubric, RubricItem, RubricSection, UnitScore

logger = logging.getLogger("zongzhi.assess")

AUDIT_LABELS: dict[str, str] = {
    "assess.hand_scored": "人工评分",
    "assess.rubric_copied": "生成年度考评细则",
    "assess.rubric_changed": "修改考评细则",
    "assess.recomputed": "重新计算考评得分",
}

ASSESSED_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)
TWO = Decimal("0.01")


def _d(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- periods


def month_period(month: dt.date) -> Period:
    first = month_start(month)
    return Period(start=first, end=next_month(first), label=f"{first.year}年{first.month}月")


def check_day(day: dt.date, field: str = "date") -> None:
    """A period is asked for within the months every page allows (`core.months`: 2000-01
    through the current month): reading a page scores the months it shows that have no kept
    results, and a year long past or to come has none worth keeping."""
    check_month(day, field=field, code="invalid_period")


def period_of(kind: str, day: dt.date) -> Period:
    """The month, quarter or year (`kind`) holding `day`."""
    check_day(day)
    if kind == "month":
        return month_period(day)
    if kind == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, q * 3 + 1, 1)
        end = dt.date(day.year + 1, 1, 1) if q == 3 else dt.date(day.year, q * 3 + 4, 1)
        return Period(start=start, end=end, label=f"{day.year}年第{q + 1}季度")
    if kind == "year":
        return Period(start=dt.date(day.year, 1, 1), end=dt.date(day.year + 1, 1, 1), label=f"{day.year}年度")
    raise InvalidInput.field("period", "考评周期只能是月、季度或年度", code="invalid_period")


def months_in(period: Period, today: dt.date | None = None) -> list[dt.date]:
    """The months of the period up to the current one (a month to come has no score)."""
    last = month_start(today or timezone.localdate())
    out: list[dt.date] = []
    m = period.start
    while m < period.end and m <= last:
        out.append(m)
        m = next_month(m)
    return out


# ---------------------------------------------------------------- measures


_loaded = False


def load_measures() -> dict[str, Any]:
    """Import every `measures_*.py` module of this app once, so their `@measure` register."""
    global _loaded
    if not _loaded:
        from . import __path__ as package_path

        for info in pkgutil.iter_modules(package_path):
            if info.name.startswith("measures_"):
                importlib.import_module(f"{__package__}.{info.name}")
        _loaded = True
    return MEASURES


# ---------------------------------------------------------------- rubrics


def default_rubric() -> Rubric:
    """The built-in default (seed 003), entered by migration 0003."""
    found = Rubric.objects.filter(path="", year__isnull=True).first()
    if found is None:
        raise NotFound("默认考评细则不存在")
    return found


def rubric_for(unit: Unit, year: int) -> Rubric:
    """The rubric `unit` is assessed with in `year` (see the module docstring)."""
    return _rubric_over(_parent_path(unit) or unit.path, year)


def _rubric_over(path: str, year: int) -> Rubric:
    """The year's rubric of the unit at `path` or its nearest ancestor, else the default."""
    return _rubrics_over([path], year)[path]


def _rubrics_over(paths: Iterable[str], year: int) -> dict[str, Rubric]:
    """`_rubric_over` for many paths in two queries (a county's month scores ~30 parents)."""
    paths = set(paths)
    prefixes = {p[:n] for p in paths for n in range(1, len(p) + 1)}
    own = {r.path: r for r in Rubric.objects.filter(year=year, path__in=prefixes, unit__isnull=False)}
    out: dict[str, Rubric] = {}
    default: Rubric | None = None
    for path in paths:
        found = next((own[path[:n]] for n in range(len(path), 0, -1) if path[:n] in own), None)
        if found is None:
            default = default or default_rubric()
            found = default
        out[path] = found
    return out


def assessing_rubric(unit: Unit, year: int) -> Rubric | None:
    """The unit's own rubric of the year (the one it assesses its units with), if any."""
    return Rubric.objects.filter(unit=unit, year=year).first()


@transaction.atomic
def copy_rubric(*, acting_user: User, unit: Unit, year: int, source: Rubric | None = None) -> Rubric:
    """Make `unit`'s rubric for `year` (capability `assess.configure`, unit in capture scope):
    a copy of `source`, else of the unit's rubric of the year before, else of the default."""
    require_cap(acting_user, "assess.configure", "没有编辑考评细则的权限")
    if not path_within(unit.path, acting_user.capture_paths):
        raise OutOfScope("只能编辑本单位的考评细则", audit=_denied(acting_user, unit))
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "年度不正确", code="invalid_year")
    if Rubric.objects.filter(unit=unit, year=year).exists():
        raise InvalidInput.field("year", f"{unit.name}{year}年度的考评细则已存在", code="rubric_exists")
    src = source or Rubric.objects.filter(unit=unit, year=year - 1).first() or default_rubric()
    rubric = Rubric.objects.create(
        unit=unit,
        path=unit.path,
        year=year,
        title=f"{unit.name}{year}年度综治信息系统应用考评细则",
        login_week_min=src.login_week_min,
        login_month_min=src.login_month_min,
    )
    sections = {s.pk: s for s in src.sections.all()}
    new_sections: dict[int, RubricSection] = {}
    for old in sections.values():
        new_sections[old.pk] = RubricSection.objects.create(
            rubric=rubric, number=old.number, name=old.name, sort=old.sort
        )
    RubricItem.objects.bulk_create(
        [
            RubricItem(
                rubric=rubric,
                section=new_sections[i.section_id],
                number=i.number,
                text=i.text,
                points=i.points,
                measure=i.measure,
                params=dict(i.params),
                sort=i.sort,
                is_active=i.is_active,
            )
            for i in src.items.all()
        ]
    )
    record_event("assess.rubric_copied", obj=rubric, detail={"year": year, "source": src.pk})
    return rubric


def require_configure(user: User, rubric: Rubric) -> None:
    """Editing a rubric: `assess.configure` and the rubric's unit in capture scope; the
    built-in default is read only."""
    require_cap(user, "assess.configure", "没有编辑考评细则的权限")
    if rubric.unit_id is None:
        raise Forbidden("默认考评细则不能修改，请先生成年度细则", code="default_rubric_read_only")
    if not path_within(rubric.path, user.capture_paths):
        raise OutOfScope("只能编辑本单位的考评细则", audit=_denied(user, rubric))


@transaction.atomic
def update_rubric(
    *, acting_user: User, rubric: Rubric, title: str, login_week_min: int, login_month_min: int
) -> Rubric:
    require_configure(acting_user, rubric)
    before = {"title": rubric.title, "week": rubric.login_week_min, "month": rubric.login_month_min}
    rubric.title = title.strip() or rubric.title
    rubric.login_week_min = login_week_min
    rubric.login_month_min = login_month_min
    rubric.save()
    after = {"title": rubric.title, "week": rubric.login_week_min, "month": rubric.login_month_min}
    record_event("assess.rubric_changed", obj=rubric, detail={"before": before, "after": after})
    return rubric


@transaction.atomic
def save_item(
    *,
    acting_user: User,
    rubric: Rubric,
    item: RubricItem | None,
    section: RubricSection,
    number: str,
    text: str,
    points: Decimal,
    measure: str,
    params: dict[str, Any],
    is_active: bool = True,
) -> RubricItem:
    """Add (`item` None) or change one item of a year's rubric."""
    require_configure(acting_user, rubric)
    if section.rubric_id != rubric.pk:
        raise InvalidInput.field("section_id", "章节不属于该细则", code="invalid_section")
    if points <= 0 or points > 100:
        raise InvalidInput.field("points", "分值应在0到100之间", code="invalid_points")
    if not text.strip():
        raise InvalidInput.field("text", "请填写考评内容", code="required")
    if measure and measure not in load_measures():
        # Allowed (an item may name a measure being written) but said: it is 待计算 until then.
        logger.info("rubric item names an unregistered measure %s", measure)
    if not isinstance(params, dict):
        raise InvalidInput.field("params", "规则参数应为键值对", code="invalid_params")
    others = rubric.items.filter(is_active=True)
    if item is not None:
        others = others.exclude(pk=item.pk)
    total = (others.aggregate(total=Sum("points"))["total"] or Decimal(0)) + (points if is_active else 0)
    if total > 100:
        raise InvalidInput.field(
            "points", f"细则总分不能超过100分（改后为{total.normalize():f}分），请先调低其他项目", code="over_total"
        )
    target = item or RubricItem(rubric=rubric, sort=(rubric.items.count() + 1))
    target.section = section
    target.number = number.strip()
    target.text = text.strip()
    target.points = points
    target.measure = measure.strip()
    target.params = params
    target.is_active = is_active
    target.save()
    return target


# ---------------------------------------------------------------- the engine


@dataclass
class _Rules:
    rubric: Rubric
    items: list[RubricItem]
    sections: list[RubricSection]


def _rules(rubric: Rubric, cache: dict[int, _Rules]) -> _Rules:
    if rubric.pk not in cache:
        cache[rubric.pk] = _Rules(
            rubric=rubric,
            items=list(rubric.items.filter(is_active=True).order_by("sort", "id")),
            sections=list(rubric.sections.order_by("sort")),
        )
    return cache[rubric.pk]


def _parent_path(unit: Unit) -> str:
    """The parent's path, from the path lengths of the levels (no query)."""
    above = [PATH_LENGTH[lv] for lv in LEVEL_ORDER if PATH_LENGTH[lv] < len(unit.path)]
    return unit.path[: above[-1]] if above and unit.parent_id else ""


def _measure_item(item: RubricItem, unit: Unit, period: Period, run: Run) -> tuple[str, Measured | None, str]:
    """(status, result, note) of one computed item."""
    found = load_measures().get(item.measure)
    if found is None:
        return ItemResult.Status.WAITING, None, f"计算规则“{item.measure}”尚未启用"
    params = {**found.params, **(item.params or {}), "points": float(item.points)}
    try:
        result = found.fn(unit, period, params, run)
    except Exception:  # one broken measure must not stop the month's scoring of every unit
        logger.exception("measure %s failed for unit %s %s", item.measure, unit.pk, period.label)
        return ItemResult.Status.WAITING, None, "计算出错，请联系系统管理员"
    if result.waiting:
        return ItemResult.Status.WAITING, result, result.waiting
    return ItemResult.Status.COMPUTED, result, ""


def score_units(units: Iterable[Unit], month: dt.date) -> list[UnitScore]:
    """Score each unit for `month` and keep the results (replacing the month's old ones)."""
    first = month_start(month)
    period = month_period(first)
    units = [u for u in units]
    if not units:
        return []
    ids = [u.pk for u in units]
    hands = {(h.unit_id, h.item_id): h for h in HandScore.objects.filter(unit_id__in=ids, month=first)}
    rules_cache: dict[int, _Rules] = {}
    parents = {unit.pk: _parent_path(unit) for unit in units}
    rubric_cache = _rubrics_over({parents[u.pk] or u.path for u in units}, first.year)
    run = Run(units)  # what the measures read alike for every unit, once
    now = timezone.now()
    results: list[ItemResult] = []
    scores: list[UnitScore] = []
    for unit in units:
        parent_path = parents[unit.pk]
        rules = _rules(rubric_cache[parent_path or unit.path], rules_cache)
        section_totals: dict[str, Decimal] = {str(s.pk): Decimal(0) for s in rules.sections}
        total = Decimal(0)
        waiting = unscored = 0
        for item in rules.items:
            status, measured, note = (
                _measure_item(item, unit, period, run) if item.measure else (ItemResult.Status.UNSCORED, None, "")
            )
            deduction = Decimal(0)
            value = ""
            shortfalls: list[dict[str, Any]] = []
            if measured is not None:
                value = measured.value[:200]
                shortfalls = [
                    {"text": mask_text(s.text), "count": s.count, "link": s.link} for s in measured.shortfalls
                ]
            if status == ItemResult.Status.COMPUTED and measured is not None:
                deduction = _d(max(0.0, measured.deduction))
                score = max(Decimal(0), item.points - deduction)
            else:
                hand = hands.get((unit.pk, item.pk))
                if hand is not None:
                    score = min(item.points, max(Decimal(0), hand.score))
                    deduction = item.points - score
                    note = hand.note or note
                    status = ItemResult.Status.HAND if status == ItemResult.Status.UNSCORED else status
                    if status == ItemResult.Status.WAITING:
                        status = ItemResult.Status.HAND
                else:
                    score = item.points
                    if status == ItemResult.Status.WAITING:
                        waiting += 1
                    else:
                        unscored += 1
            total += score
            key = str(item.section_id)
            section_totals[key] = section_totals.get(key, Decimal(0)) + score
            results.append(
                ItemResult(
                    unit=unit,
                    path=unit.path,
                    month=first,
                    item=item,
                    status=status,
                    points=item.points,
                    score=_d(score),
                    deduction=deduction,
                    value=value,
                    note=note[:500],
                    shortfalls=shortfalls,
                    shortfall_count=len(shortfalls),
                )
            )
        scores.append(
            UnitScore(
                unit=unit,
                path=unit.path,
                parent_path=parent_path,
                month=first,
                rubric=rules.rubric,
                total=_d(total),
                deducted=_d(sum((i.points for i in rules.items), Decimal(0)) - total),
                sections={k: str(_d(v)) for k, v in section_totals.items()},
                waiting=waiting,
                unscored=unscored,
                computed_at=now,
            )
        )
    with transaction.atomic():
        ItemResult.objects.filter(unit_id__in=ids, month=first).delete()
        UnitScore.objects.filter(unit_id__in=ids, month=first).delete()
        ItemResult.objects.bulk_create(results, batch_size=1000)
        UnitScore.objects.bulk_create(scores, batch_size=500)
    return scores


def assessed_children(parent: Unit) -> list[Unit]:
    """The units directly below `parent` that are assessed (townships and villages, not grids,
    not retired)."""
    return list(
        Unit.objects.filter(parent=parent, is_retired=False, level__in=ASSESSED_LEVELS)
        .defer("boundary")
        .order_by("sort", "path")
    )


def ensure_scored(units: list[Unit], months: list[dt.date], *, closed: bool = False) -> list[dt.date]:
    """A page's read of the months' kept results: the current month is scored on the read where
    a unit has no result yet (one run for the units of the page, the cost of a recompute of
    them: developer guide, "Reads never score a closed month"), a closed month never is — it is
    scored by the monthly job and by 重新计算. `closed=True` scores closed months too, for an
    explicit action that publishes them (generating a bulletin). Returns the months some unit
    still has no result for (未计算)."""
    if not units or not months:
        return []
    have = set(
        UnitScore.objects.filter(unit_id__in=[u.pk for u in units], month__in=months).values_list("unit_id", "month")
    )
    current = month_start(timezone.localdate())
    left: list[dt.date] = []
    for m in months:
        missing = [u for u in units if (u.pk, m) not in have]
        if missing and (m == current or closed):
            score_units(missing, m)
        elif missing:
            left.append(m)
    return left


def _denied(user: User, obj: Any) -> AuditNote:
    return AuditNote("scope.denied", obj, {"mode": "write", "user_id": user.pk})


def _require_view(user: User, unit: Unit) -> None:
    require_visible(user, unit, "records.read", "没有查看考评得分的权限")


def _require_assessor(user: User, unit: Unit) -> None:
    """The unit directly above scores (the county its townships, a township its villages, seed
    003 第十四条): an assessed unit whose parent is one of the user's capture units."""
    require_cap(user, "assess.score", "没有考核评分的权限", unit)
    if not any(unit.path.startswith(p) and unit.path != p for p in user.capture_paths):
        raise OutOfScope("只能对下级单位评分", audit=_denied(user, unit))
    if unit.level not in ASSESSED_LEVELS:
        raise InvalidInput.field("unit_id", "只对乡镇（街道）和村（社区）评分", code="not_assessed")
    parent_path = (
        Unit.objects.filter(pk=unit.parent_id).values_list("path", flat=True).first() if unit.parent_id else None
    )
    if parent_path not in user.capture_paths:
        raise OutOfScope("只能对直属下级单位评分", audit=_denied(user, unit))


# ---------------------------------------------------------------- reading results


@dataclass
class ItemLine:
    item: RubricItem
    points: Decimal
    score: Decimal
    deduction: Decimal
    status: str
    value: str
    note: str
    shortfall_count: int
    months: int


@dataclass
class SectionLine:
    section: RubricSection
    points: Decimal
    score: Decimal
    items: list[ItemLine] = field(default_factory=list)


@dataclass
class Sheet:
    unit: Unit
    period: Period
    rubric: Rubric
    months: list[dt.date]
    total: Decimal
    points: Decimal
    waiting: int
    unscored: int
    sections: list[SectionLine]
    computed_at: dt.datetime | None
    missing_months: list[dt.date] = field(default_factory=list)


def _mean(values: list[Decimal]) -> Decimal:
    return _d(sum(values, Decimal(0)) / len(values)) if values else Decimal(0)


def combine(unit: Unit, period: Period) -> Sheet:
    """A unit's result for the period from its kept monthly results (computed first where
    missing): each item the mean of its months (see the module docstring)."""
    months = months_in(period)
    missing = ensure_scored([unit], months)
    rubric = _rubric_over(_parent_path(unit) or unit.path, period.start.year)
    rows = list(ItemResult.objects.filter(unit=unit, month__in=months).select_related("item"))
    totals = list(UnitScore.objects.filter(unit=unit, month__in=months))
    by_item: dict[int, list[ItemResult]] = {}
    for r in rows:
        by_item.setdefault(r.item_id, []).append(r)
    sections = list(rubric.sections.order_by("sort"))
    items = list(rubric.items.filter(is_active=True).order_by("sort", "id"))
    lines: dict[int, SectionLine] = {
        s.pk: SectionLine(section=s, points=Decimal(0), score=Decimal(0)) for s in sections
    }
    waiting = unscored = 0
    for item in items:
        mine = by_item.get(item.pk, [])
        score = _mean([r.score for r in mine]) if mine else item.points
        statuses = {r.status for r in mine}
        status = next(
            (
                s
                for s in (
                    ItemResult.Status.WAITING,
                    ItemResult.Status.UNSCORED,
                    ItemResult.Status.COMPUTED,
                    ItemResult.Status.HAND,
                )
                if s in statuses
            ),
            ItemResult.Status.UNSCORED if not item.measure else ItemResult.Status.WAITING,
        )
        if status == ItemResult.Status.WAITING:
            waiting += 1
        elif status == ItemResult.Status.UNSCORED:
            unscored += 1
        latest = max(mine, key=lambda r: r.month) if mine else None
        line = ItemLine(
            item=item,
            points=item.points,
            score=score,
            deduction=_d(sum((r.deduction for r in mine), Decimal(0))),
            status=status,
            value=latest.value if latest else "",
            note=latest.note if latest else "",
            shortfall_count=sum(r.shortfall_count for r in mine),
            months=len(mine),
        )
        sec = lines[item.section_id]
        sec.items.append(line)
        sec.points += item.points
        sec.score += score
    return Sheet(
        unit=unit,
        period=period,
        rubric=rubric,
        months=months,
        total=_mean([t.total for t in totals]) if totals else _d(sum((i.points for i in items), Decimal(0))),
        points=sum((i.points for i in items), Decimal(0)),
        waiting=waiting,
        unscored=unscored,
        sections=[lines[s.pk] for s in sections],
        computed_at=max((t.computed_at for t in totals), default=None),
        missing_months=missing,
    )


def unit_sheet(*, acting_user: User, unit: Unit, period: Period) -> Sheet:
    """One unit's sheet for the period (read scope: the unit itself or any unit above it)."""
    _require_view(acting_user, unit)
    if unit.level not in ASSESSED_LEVELS:
        raise InvalidInput.field("unit", "只有乡镇（街道）和村（社区）参加考评", code="not_assessed")
    return combine(unit, period)


@dataclass
class RankLine:
    unit: Unit
    rank: int
    total: Decimal
    sections: dict[str, Decimal]
    deducted: Decimal
    waiting: int
    unscored: int


@dataclass
class Ranking:
    parent: Unit
    period: Period
    rubric: Rubric | None
    months: list[dt.date]
    lines: list[RankLine]
    missing_months: list[dt.date] = field(default_factory=list)


def ranking(*, acting_user: User, parent: Unit, period: Period) -> Ranking:
    """The units directly below `parent` ranked by their combined totals for the period."""
    _require_view(acting_user, parent)
    children = assessed_children(parent)
    months = months_in(period)
    missing = ensure_scored(children, months)
    rows = list(UnitScore.objects.filter(unit__in=children, month__in=months))
    by_unit: dict[int, list[UnitScore]] = {}
    for r in rows:
        by_unit.setdefault(r.unit_id, []).append(r)
    lines: list[RankLine] = []
    for child in children:
        mine = by_unit.get(child.pk, [])
        if not mine:
            continue
        sections: dict[str, list[Decimal]] = {}
        for r in mine:
            for key, val in r.sections.items():
                sections.setdefault(key, []).append(Decimal(val))
        lines.append(
            RankLine(
                unit=child,
                rank=0,
                total=_mean([r.total for r in mine]),
                sections={k: _mean(v) for k, v in sections.items()},
                deducted=_mean([r.deducted for r in mine]),
                waiting=max(r.waiting for r in mine),
                unscored=max(r.unscored for r in mine),
            )
        )
    lines.sort(key=lambda x: (-x.total, x.unit.path))
    for i, line in enumerate(lines):
        line.rank = lines[i - 1].rank if i and lines[i - 1].total == line.total else i + 1
    rubric = rows[0].rubric if rows else None
    return Ranking(parent=parent, period=period, rubric=rubric, months=months, lines=lines, missing_months=missing)


@dataclass
class MonthShortfalls:
    month: dt.date
    value: str
    deduction: Decimal
    status: str
    shortfalls: list[dict[str, Any]]


def item_shortfalls(*, acting_user: User, unit: Unit, item: RubricItem, period: Period) -> list[MonthShortfalls]:
    """The drill-down of one item: month by month, the measured value, the deduction and the
    shortfalls with the links to their records."""
    _require_view(acting_user, unit)
    months = months_in(period)
    ensure_scored([unit], months)
    rows = ItemResult.objects.filter(unit=unit, item=item, month__in=months).order_by("month")
    return [
        MonthShortfalls(month=r.month, value=r.value, deduction=r.deduction, status=r.status, shortfalls=r.shortfalls)
        for r in rows
    ]


# ---------------------------------------------------------------- hand scores


@dataclass
class HandCell:
    unit: Unit
    item: RubricItem
    score: HandScore | None
    status: str


def hand_items(
    *, acting_user: User, parent: Unit, month: dt.date
) -> tuple[list[Unit], list[RubricItem], list[HandCell]]:
    """The hand items (and 待计算 computed items) of `parent`'s units for the month, with their
    hand scores: what the unit above scores by hand."""
    _require_view(acting_user, parent)
    first = month_start(month)
    children = assessed_children(parent)
    ensure_scored(children, [first])
    results = {
        (r.unit_id, r.item_id): r
        for r in ItemResult.objects.filter(unit__in=children, month=first).select_related("item")
    }
    hand_statuses = {ItemResult.Status.HAND, ItemResult.Status.UNSCORED, ItemResult.Status.WAITING}
    item_ids = {key[1] for key, r in results.items() if r.status in hand_statuses}
    items = list(RubricItem.objects.filter(pk__in=item_ids).order_by("sort", "id"))
    hands = {
        (h.unit_id, h.item_id): h
        for h in HandScore.objects.filter(unit__in=children, month=first).select_related("scored_by")
    }
    cells = [
        HandCell(unit=u, item=i, score=hands.get((u.pk, i.pk)), status=results[(u.pk, i.pk)].status)
        for u in children
        for i in items
        if (u.pk, i.pk) in results and results[(u.pk, i.pk)].status in hand_statuses
    ]
    return children, items, cells


def set_hand_score(
    *,
    acting_user: User,
    unit: Unit,
    item: RubricItem,
    month: dt.date,
    score: Decimal,
    note: str = "",
    evidence: str = "",
    attachment_ids: list[int] | None = None,
    rescore: bool = True,
) -> HandScore:
    """Score one item of `unit` for `month` by hand (the unit above, `assess.score`). Audited
    as `assess.hand_scored` with who, when, before and after (the evidence files included);
    the month is rescored (unless `rescore` is False: the caller scores the months once
    afterwards, as the demo does). `attachment_ids` names the score's evidence files (None:
    unchanged; services_evidence.set_files)."""
    from .services_evidence import set_files

    _require_assessor(acting_user, unit)
    first = check_month(month)
    rubric = _rubric_over(_parent_path(unit) or unit.path, first.year)
    if item.rubric_id != rubric.pk:
        raise InvalidInput.field("item_id", "该项目不在本单位适用的考评细则中", code="item_not_in_rubric")
    if item.measure and item.measure in load_measures():
        waiting = ItemResult.objects.filter(
            unit=unit, month=first, item=item, status__in=[ItemResult.Status.WAITING, ItemResult.Status.HAND]
        ).exists()
        if not waiting:
            raise InvalidInput.field("item_id", "该项目由系统计算，不能人工评分", code="computed_item")
    if score < 0 or score > item.points:
        raise InvalidInput.field("score", f"得分应在0到{item.points}分之间", code="invalid_score")
    with transaction.atomic():
        row = HandScore.objects.select_for_update().filter(item=item, unit=unit, month=first).first()
        before: dict[str, Any] | None = (
            None if row is None else {"score": str(row.score), "note": row.note, "evidence": row.evidence}
        )
        if row is None:
            row = HandScore(item=item, unit=unit, month=first, path=unit.path)
        row.score = _d(score)
        row.note = note.strip()[:500]
        row.evidence = evidence.strip()[:1000]
        row.scored_by = acting_user
        row.scored_at = timezone.now()
        row.save()
        after: dict[str, Any] = {"score": str(row.score), "note": row.note, "evidence": row.evidence}
        if attachment_ids is not None:
            files_before, files_after = set_files(acting_user, row, attachment_ids)
            if before is not None:
                before["files"] = files_before
            after["files"] = files_after
        record_event(
            "assess.hand_scored",
            obj=row,
            detail={
                "unit": unit.name,
                "item": item.number,
                "month": first.isoformat(),
                "before": before,
                "after": after,
            },
            username=acting_user.username,
            user_id=acting_user.pk,
        )
        if rescore:
            score_units([unit], first)
    return row


# ---------------------------------------------------------------- recomputing


def recompute(*, acting_user: User, parent: Unit, month: dt.date) -> list[UnitScore]:
    """重新计算: score `parent`'s units for the month again (the unit above, `assess.score`)."""
    require_cap(acting_user, "assess.score", "没有考核评分的权限", parent)
    if not path_within(parent.path, acting_user.capture_paths):
        raise OutOfScope("只能重新计算本单位下级的得分", audit=_denied(acting_user, parent))
    check_day(month, "month")
    first = month_start(month)
    scores = score_units(assessed_children(parent), first)
    record_event("assess.recomputed", obj=parent, detail={"month": first.isoformat(), "units": len(scores)})
    return scores


def all_assessed_units() -> list[Unit]:
    return list(Unit.objects.filter(is_retired=False, level__in=ASSESSED_LEVELS).defer("boundary").order_by("path"))


def monthly_job(today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: last month is scored again once after it has ended (its final figures)
    and the current month is refreshed when its results are older than six hours."""
    today = today or timezone.localdate()
    this_month = month_start(today)
    last_month = month_start(this_month - dt.timedelta(days=1))
    units = all_assessed_units()
    done = {"last": 0, "current": 0}
    end_of_last = timezone.make_aware(dt.datetime.combine(this_month, dt.time()))
    stale_last = UnitScore.objects.filter(month=last_month).filter(Q(computed_at__lt=end_of_last)).exists()
    if stale_last or not UnitScore.objects.filter(month=last_month).exists():
        done["last"] = len(score_units(units, last_month))
    cutoff = timezone.now() - dt.timedelta(hours=6)
    latest = (
        UnitScore.objects.filter(month=this_month)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    if latest is None or latest < cutoff:
        done["current"] = len(score_units(units, this_month))
    return done
