"""The statistics bench runs at its small size and prints its figures."""

from __future__ import annotations

from typing import Any

import pytest

from zongzhi.alerts.bench_stats import run
from zongzhi.alerts.models import InformationReport
from zongzhi.bench import _p95, _report

pytestmark = pytest.mark.django_db


def test_the_small_bench_runs(api: Any, capsys: Any) -> None:
    run("small", 1.0, lambda username: _Client(api(username)), _report, _p95)
    out = capsys.readouterr().out
    assert "bench: alerts.stats_timeliness_10k_p95" in out and "bench: alerts.stats_page_10k_p95" in out
    assert InformationReport.objects.count() >= 10_000


class _Client:
    """The bench's client: `get(path, params)` answered as the logged-in persona."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.api.get(path, params)
