"""Background work of the statistics: the rollups' refresh and the nightly reconcile."""

from __future__ import annotations

from celery import shared_task

from zongzhi.core.context import Actor, set_actor


@shared_task(name="stats.refresh")  # type: ignore[untyped-decorator]
def refresh() -> dict[str, int]:
    """Every few seconds: recompute the cells marked as changed (rollups.refresh)."""
    from .rollups import refresh as run

    set_actor(Actor(username="system"))
    return run()


@shared_task(name="stats.reconcile")  # type: ignore[untyped-decorator]
def reconcile() -> dict[str, int]:
    """Scheduled every few minutes; rebuilds every rollup from the raw rows once a night, from
    02:00 on (rollups.nightly_reconcile)."""
    from .rollups import nightly_reconcile

    set_actor(Actor(username="system"))
    return nightly_reconcile() or {}
