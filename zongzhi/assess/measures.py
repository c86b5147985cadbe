"""Computed rubric items (seed 003 第六条–第十一条): the contract between the rubric engine and
the functions that read each capability's records.

A measure reads the records of one assessed unit's subtree for one period and says what it found:
the shortfalls (each one naming the record behind it, so that a deduction drills down to "which
key person had no visit", "which document was signed late"), the measured figure shown beside
the score, and the deduction by the item's rule. The engine caps the deduction at the item's
points (an item never scores below zero) and keeps the result.

Measures register themselves with `@measure(...)` in the `measures_*.py` modules; an
administrator attaches a measure to a rubric item of a year and may change its parameters.

A measure is called `fn(unit, period, params, run)`: `run` is the scoring run (`Run`), the units
scored together for the period. What several measures or every unit of the run read alike (the
visit schedule of the key persons and care recipients: the visits measure and the service rate)
is computed once per run through `run.shared(key, compute)`, over the run's `roots` (the fewest
subtrees holding every unit of the run), and each unit takes its part.

Every measure reads that way (`run.part`): one query per run (or per level of its units) for all
the units scored together, never one per unit, so that the county's month (140 units) costs a
few dozen queries whatever the number of units (the cost at scale was the per-query overhead of
140 units × a few queries per measure, not the size of the tables).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from zongzhi.units.models import Unit


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year: `start` is its first day, `end` the day after its last."""

    start: date
    end: date
    label: str  # 2026年11月, 2026年第4季度, 2026年度


@dataclass(frozen=True)
class Shortfall:
    """One thing found missing or late. `count` is how many times the rule's deduction applies
    for it (usually 1); `link` is the console route of the record behind it."""

    text: str
    count: float = 1
    link: str = ""


@dataclass
class Measured:
    """What a measure found for one unit and period. `deduction` is by the item's rule before
    the cap; `waiting` is set (in Chinese) when the records the item reads do not exist yet for
    this unit (the item is then left to hand scoring)."""

    value: str
    deduction: float
    shortfalls: list[Shortfall] = field(default_factory=list)
    waiting: str = ""


T = TypeVar("T")


class Run:
    """One scoring run: the units scored together for one period, and what its measures
    computed once for all of them (`shared`). A measure called alone gets `Run([unit])`."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = list(units)
        paths = sorted({u.path for u in self.units})
        self.roots: list[str] = []
        for p in paths:  # sorted: an ancestor comes before its descendants
            if not any(p.startswith(r) for r in self.roots):
                self.roots.append(p)
        self.paths = {u.path for u in self.units}
        self._shared: dict[Hashable, Any] = {}

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per run and key; later calls get the same value."""
        if key not in self._shared:
            self._shared[key] = compute()
        value: T = self._shared[key]
        return value

    def part(self, unit: Unit, key: Hashable, compute: Callable[[Run], dict[str, T]]) -> T:
        """`unit`'s part of what `compute(run)` reads for every unit of the run at once (a dict
        by unit path), computed once per run and key. A unit outside the run (a measure called
        on its own) is read alone."""
        if unit.path not in self.paths:
            return Run([unit]).part(unit, key, compute)
        return self.shared(key, lambda: compute(self))[unit.path]


MeasureFn = Callable[[Unit, Period, dict[str, Any], Run], Measured]


@dataclass(frozen=True)
class Measure:
    """`params` are the defaults an administrator may change per year (for example
    `{"per_shortfall": 0.1}` for 少一个扣0.1分); the function receives them merged with the
    year's values and with `points`, the item's points."""

    code: str
    label: str
    description: str
    params: dict[str, Any]
    fn: MeasureFn


MEASURES: dict[str, Measure] = {}


def measure(code: str, label: str, description: str, **params: Any) -> Callable[[MeasureFn], MeasureFn]:
    """Register a computed item's function under `code`."""

    def register(fn: MeasureFn) -> MeasureFn:
        if code in MEASURES:
            raise ValueError(f"measure {code} registered twice")
        MEASURES[code] = Measure(code=code, label=label, description=description, params=params, fn=fn)
        return fn

    return register
