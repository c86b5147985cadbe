"""Deadlines: which rule applies to a case, and when its holder's time runs out."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from zongzhi.core.cache import ProcessCache

from .models import Case, DeadlineRule, Kind

# The default rules are loaded by migrations/0002_defaults.py; administrators change them there.


_RULES_SECONDS = 30.0


def _load(_: None) -> list[DeadlineRule]:
    return list(DeadlineRule.objects.all())


# The rules change a few times a year and every report reads them: kept in process (core.cache).
RULES: ProcessCache[None, list[DeadlineRule]] = ProcessCache(
    "deadline_rules", _load, check_seconds=_RULES_SECONDS, max_age=_RULES_SECONDS
)


def _all_rules() -> list[DeadlineRule]:
    return RULES.get(None)


def forget_rules() -> None:
    """The rules changed: this transaction reads them anew, every process once it commits."""
    RULES.changed()


def find_rule(kind: str, category_code: str, urgency: str, stage: str) -> DeadlineRule | None:
    """The most specific rule: longest matching category prefix, then a matching urgency."""
    best: tuple[int, int] | None = None
    chosen: DeadlineRule | None = None
    for rule in _all_rules():
        if rule.kind != kind or rule.stage != stage:
            continue
        if rule.category_prefix and not category_code.startswith(rule.category_prefix):
            continue
        if rule.urgency and rule.urgency != urgency:
            continue
        score = (int(bool(rule.urgency)), len(rule.category_prefix))
        if best is None or score > best:
            best, chosen = score, rule
    return chosen


def add_measure(start: datetime, amount: int, measure: str) -> datetime:
    from zongzhi.calendar.workdays import add_hours, add_working_days

    if measure == "hours":
        return add_hours(start, amount)
    if measure == "days":
        return start + timedelta(days=amount)
    return add_working_days(start, amount)


def deadline(case: Case, stage: str, start: datetime) -> datetime | None:
    """When the holder must have accepted (stage accept) or handled (stage handle) the case."""
    rule = find_rule(case.kind, case.category_code, case.urgency, stage)
    if rule is None:
        return None
    return add_measure(start, rule.amount, rule.measure)


def extension_deadline(case: Case, days: int) -> datetime | None:
    """The deadline moved by an approved extension (petitions count natural days)."""
    if case.due_at is None:
        return None
    measure = "days" if case.kind == Kind.PETITION else "workdays"
    return add_measure(case.due_at, days, measure)


def mass_incident_threshold() -> int:
    return int(getattr(settings, "CASES_MASS_INCIDENT_THRESHOLD", 10))
