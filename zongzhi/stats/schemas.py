"""The statistics pages' output shapes: every figure carries `link`, the console route of the
list behind it (path and query)."""

from __future__ import annotations

from ninja import Schema


class StatsLink(Schema):
    path: str
    query: dict[str, str]


class StatsUnitRef(Schema):
    id: int
    name: str
    level: str
    path: str
    has_children: bool


class StatsFigure(Schema):
    value: int | None
    share: float | None = None
    link: StatsLink | None = None


class StatsCaseSummaryOut(Schema):
    reported: StatsFigure
    open: StatsFigure
    completed: StatsFigure
    overdue: StatsFigure
    yellow: StatsFigure
    red: StatsFigure
    resolved_share: float | None
    avg_handling_hours: float | None


class StatsKeyCount(Schema):
    key: str
    label: str
    count: int
    link: StatsLink | None = None


class StatsTrendPoint(Schema):
    month: str
    reported: int
    completed: int
    overdue: int


class StatsChildRow(Schema):
    unit_id: int
    name: str
    level: str
    path: str
    reported: int
    open: int
    completed: int
    overdue: int
    resolved_share: float | None
    link: StatsLink


class CaseStatsOut(Schema):
    unit: StatsUnitRef
    month: str
    summary: StatsCaseSummaryOut
    trend: list[StatsTrendPoint]
    by_kind: list[StatsKeyCount]
    by_category: list[StatsKeyCount]
    by_status: list[StatsKeyCount]
    by_source: list[StatsKeyCount]
    children: list[StatsChildRow]


class StatsCoverageOut(Schema):
    key_persons: int
    visited: int
    visit_share: float | None
    facilities: int
    inspected: int
    inspection_share: float | None
    key_persons_link: StatsLink
    facilities_link: StatsLink


class PopulationStatsOut(Schema):
    unit: StatsUnitRef
    month: str
    residents: list[StatsKeyCount]
    key_persons: list[StatsKeyCount]
    care_recipients: list[StatsKeyCount]
    places: list[StatsKeyCount]
    key_places: list[StatsKeyCount]
    facilities: list[StatsKeyCount]
    organisations: list[StatsKeyCount]
    coverage: StatsCoverageOut
