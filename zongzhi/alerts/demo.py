"""The demo's stability information, warnings, zero reports, informants and duty: each part's
records written through its own services at past moments (see each `demo_<part>.py`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zongzhi.notify.services import mark_read_before


def build_alerts_demo() -> dict[str, int]:
    """Run every part's demo once, in the order they lean on each other: the informant network
    and zero reports first, then the reports, the warnings (which may be about a report), the
    duty. Returns the counts of each part, keyed `<part>.<what>`."""
    from .demo_duty import build_duty_demo
    from .demo_reports import build_reports_demo
    from .demo_warnings import build_warnings_demo
    from .demo_zero import build_zero_demo

    counts: dict[str, int] = {}
    for part, build in (
        ("zero", build_zero_demo),
        ("reports", build_reports_demo),
        ("warnings", build_warnings_demo),
        ("duty", build_duty_demo),
    ):
        counts.update({f"{part}.{key}": value for key, value in build().items()})
    # What came more than three days ago has been read, as in the cases' demo.
    mark_read_before(timezone.now() - timedelta(days=3))
    return counts
