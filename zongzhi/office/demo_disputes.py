"""The demo's 矛盾纠纷排查 reports: the last three months for the demo township (沿江街道) and its
villages, written through the services at the moments they were made. Last month one village
has not reported and one reported late (the township sees both), and the village officer's own
village (冯墙社区) has opened its draft but not yet submitted it (their walk: check, correct,
submit); one village corrected a figure the month before, with its note; the township's own
reports went up to the county each month."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zongzhi.core.democlock import simulated_clock
from zongzhi.units.models import Unit, User

from . import services_disputes as disputes
from .models import DisputeReport

TOWNSHIP = "320111003000"
VILLAGE_OFFICER_UNIT = "320111003001"


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_demo() -> dict[str, int]:
    township = Unit.objects.filter(code=TOWNSHIP).first()
    if township is None or DisputeReport.objects.filter(unit=township).exists():
        return {}
    officer = User.objects.get(username="township_officer")
    village_officer = User.objects.filter(username="village_officer").first()
    villages = disputes.children(township)
    now = timezone.now()
    months = list(reversed(disputes.recent_periods("month", 3)))  # oldest first
    last = months[-1]
    late_at = _moment(last.due_on + dt.timedelta(days=2), 10, 20)
    late_period = last if late_at < now else months[-2]
    counts = {"reports": 0, "submitted": 0}

    def writer(v: Unit) -> User:
        if village_officer is not None and v.code == VILLAGE_OFFICER_UNIT:
            return village_officer
        return officer

    with transaction.atomic(), simulated_clock(now) as clock:
        for period in months:
            opened = period.end + dt.timedelta(days=1)
            for i, v in enumerate(villages):
                if period == last and i == len(villages) - 1 and len(villages) > 2:
                    continue  # this village has not reported last month
                late = period == late_period and i == 1
                day = period.due_on + dt.timedelta(days=2) if late else opened
                clock.set(min(_moment(day, 9, 5 * i), now))
                user = writer(v)
                report = disputes.open_draft(user, v, period.kind, period.start)
                counts["reports"] += 1
                if period == months[1] and i == 0:
                    rows = [dict(r) for r in report.figures["rows"]]
                    rows[1]["total"] += 1
                    rows[1]["resolved"] += 1
                    clock.set(min(_moment(day, 10, 30), now))
                    report = disputes.save_draft(
                        user, report, rows, "另有一起邻里纠纷由村调委会当场调处，当事人未通过系统上报，已补入"
                    )
                if period == last and v.code == VILLAGE_OFFICER_UNIT:
                    continue  # opened, not yet submitted
                clock.set(min(late_at if late else _moment(day, 15, 5 * i), now))
                disputes.submit(user, report)
                counts["submitted"] += 1
            clock.set(min(_moment(opened, 16), now))
            own = disputes.open_draft(officer, township, period.kind, period.start)
            clock.set(min(_moment(opened, 17, 30), now))
            disputes.save_draft(officer, own, None, "本月矛盾纠纷总体平稳，未发生因矛盾纠纷引发的群体性事件")
            disputes.submit(officer, own)
            counts["reports"] += 1
            counts["submitted"] += 1
    return counts
