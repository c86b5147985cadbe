"""Three months of demo documents and notices (公文流转) up to today, written through the
documents' own services at past moments of the simulated clock (`core.democlock`).

The county sends a few documents to the two persona townships (沿江街道, 江浦街道), which sign
within hours. 沿江街道 sends notices, plans and briefings to five of its villages, some asking
for material by a deadline; 江浦街道 a few to three of its villages. Most villages sign within
hours and read at once; 320111003005 signs late twice and leaves the latest notice unsigned past
its limit (the township sees it as 超时收文), and one reply comes in after its deadline. One
document is withdrawn with its reason. Villages without a persona get an officer account
`officer_<code>` (password as the personas') to sign with.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from zongzhi.core.context import Actor, reset_actor, set_actor
from zongzhi.core.democlock import simulated_clock
from zongzhi.notify.services import mark_read_before
from zongzhi.units import accounts
from zongzhi.units.demo import DEMO_PASSWORD
from zongzhi.units.models import Role, Unit, User

from . import services_documents as docs
from .models import Document, DocumentRecipient

YANJIANG_VILLAGES = ["320111003001", "320111003002", "320111003003", "320111003004", "320111003005"]
JIANGPU_VILLAGES = ["320111004001", "320111004002", "320111004004"]
LATE_VILLAGE = "320111003005"
NAMES = ["钱芳", "孙磊", "周婷", "吴昊", "郑丽", "王军", "冯雪", "陈亮"]

# (days ago, sender, kind, category, title, keywords, reply days or None)
PLAN: list[tuple[float, str, str, str, str, str, int | None]] = [
    (88, "county", "document", "responsibility", "关于签订年度综治目标管理责任书的通知", "综治 目标管理", 10),
    (84, "yanjiang", "notice", "other", "关于开展矛盾纠纷集中排查调处的通知", "矛盾纠纷 排查", None),
    (78, "yanjiang", "document", "plan", "沿江街道综治工作第四季度工作计划", "工作计划", None),
    (70, "jiangpu", "notice", "other", "关于做好重点时段安全稳定工作的通知", "安全稳定", None),
    (66, "yanjiang", "notice", "rules", "关于修订网格员巡查工作制度的通知", "工作制度 网格", None),
    (58, "county", "briefing", "briefing", "综治工作简报（第九期）", "简报", None),
    (52, "yanjiang", "notice", "other", "关于报送平安建设宣传活动材料的通知", "平安建设 宣传", 7),
    (45, "yanjiang", "experience", "briefing", "冯墙社区矛盾纠纷多元化解经验交流", "经验交流", None),
    (38, "county", "notice", "funding", "关于下达综治中心运行保障经费的通知", "经费保障", None),
    (33, "jiangpu", "document", "rules", "江浦街道突发事件应急处置预案", "预案", None),
    (27, "yanjiang", "notice", "commendation", "关于表彰优秀网格员的通报", "表彰", None),
    (20, "yanjiang", "notice", "year_end", "关于报送年度工作总结的通知", "年终总结", 10),
    (12, "yanjiang", "briefing", "briefing", "沿江街道综治简报（第十一期）", "简报", None),
    (6, "jiangpu", "notice", "other", "关于开展冬季治安巡防的通知", "治安巡防", None),
    (2, "yanjiang", "notice", "other", "关于做好元旦春节期间信访稳定工作的通知", "信访稳定", 5),
]


def _run(user: User, fn: Callable[[], Any]) -> Any:
    token = set_actor(Actor(user_id=user.pk, username=user.username, unit_path=user.unit.path if user.unit else ""))
    try:
        return fn()
    finally:
        reset_actor(token)


def _officer(unit: Unit, n: int) -> User:
    """The village's signer: the persona at 冯墙社区, elsewhere `officer_<code>`."""
    if unit.code == "320111003001":
        return User.objects.get(username="village_officer")
    username = f"officer_{unit.code}"
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    admin, secadmin = User.objects.get(username="sysadmin"), User.objects.get(username="secadmin")
    user = accounts.create_user(
        acting_user=admin,
        username=username,
        full_name=NAMES[n % len(NAMES)],
        phone="",
        unit=unit,
        department=None,
        password=DEMO_PASSWORD,
    )
    role = Role.objects.get(code="village_officer")
    accounts.set_grants(acting_user=secadmin, user=user, roles=[role], view_scope=[unit], capture_scope=[unit])
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    return User.objects.get(pk=user.pk)


def _withdrawn(document: Document) -> bool:
    return Document.objects.filter(pk=document.pk, withdrawn_at__isnull=False).exists()


def build_demo() -> dict[str, int]:
    if Document.objects.filter(title=PLAN[0][4]).exists():
        return {}
    rng = random.Random(16)
    now = timezone.now()
    units = {u.code: u for u in Unit.objects.filter(code__in=[*YANJIANG_VILLAGES, *JIANGPU_VILLAGES])}
    signers = {code: _officer(units[code], i) for i, code in enumerate([*YANJIANG_VILLAGES, *JIANGPU_VILLAGES])}
    senders = {
        "county": User.objects.get(username="county_officer"),
        "yanjiang": User.objects.get(username="township_officer"),
        "jiangpu": User.objects.get(username="township2_officer"),
    }
    township_signers = {"320111003000": senders["yanjiang"], "320111004000": senders["jiangpu"]}
    targets = {
        "county": list(Unit.objects.filter(code__in=township_signers).order_by("code")),
        "yanjiang": [units[c] for c in YANJIANG_VILLAGES],
        "jiangpu": [units[c] for c in JIANGPU_VILLAGES],
    }
    signer_of = {**{u.pk: signers[u.code] for u in units.values()}}
    for code, user in township_signers.items():
        signer_of[Unit.objects.get(code=code).pk] = user

    counts = {"documents": 0, "signed": 0, "late": 0, "replies": 0, "withdrawn": 0}
    events: list[tuple[dt.datetime, int, Callable[[], None]]] = []

    def at(when: dt.datetime, fn: Callable[[], None]) -> None:
        if when < now:
            events.append((when, len(events), fn))

    for n, (days, who, kind, category, title, keywords, reply_days) in enumerate(PLAN):
        sender = senders[who]
        when = (now - dt.timedelta(days=days)).replace(hour=9, minute=rng.randint(0, 50))
        state: dict[str, Any] = {}
        number = f"{'浦综' if who == 'county' else '沿综' if who == 'yanjiang' else '江综'}〔{when.year}〕{n + 1}号"
        recipients = targets[who]

        data = docs.NewDocument(
            kind=kind,
            category=category,
            title=title,
            keywords=keywords,
            number=number if kind == "document" or n % 2 == 0 else "",
            description=f"请各单位认真学习贯彻《{title}》的要求，结合本地实际抓好落实。",
            sign_hours=24,
            reply_required=reply_days is not None,
            reply_due_at=when + dt.timedelta(days=reply_days) if reply_days else None,
            unit_ids=[u.pk for u in recipients],
        )

        def issue(sender: User = sender, state: dict[str, Any] = state, data: docs.NewDocument = data) -> None:
            state["d"] = _run(sender, lambda: docs.issue(sender, data))
            counts["documents"] += 1

        at(when, issue)
        for unit in recipients:
            signer = signer_of[unit.pk]
            late = unit.code == LATE_VILLAGE and days in (52, 27)
            if unit.code == LATE_VILLAGE and days <= 2:
                continue  # the latest one left unsigned past its limit: the gap the township sees
            delay = dt.timedelta(hours=rng.uniform(26, 40)) if late else dt.timedelta(hours=rng.uniform(0.3, 6))

            def read_and_sign(signer: User = signer, state: dict[str, Any] = state, late: bool = late) -> None:
                d = state.get("d")
                if d is None or _withdrawn(d):
                    return
                _run(signer, lambda: docs.mark_read(signer, d))
                _run(signer, lambda: docs.sign(signer, d.pk))
                counts["signed"] += 1
                counts["late"] += late

            at(when + delay, read_and_sign)
            if reply_days is not None:
                # One village replies after the deadline (逾期报送); the others within it.
                tardy = unit.code == LATE_VILLAGE
                reply_at = when + dt.timedelta(days=reply_days + 1 if tardy else rng.uniform(1, reply_days - 1))

                def send_reply(signer: User = signer, state: dict[str, Any] = state) -> None:
                    d = state.get("d")
                    if d is None or _withdrawn(d):
                        return
                    note = "已按要求整理材料，请审阅。"
                    _run(signer, lambda: docs.reply(signer, d.pk, note, []))
                    counts["replies"] += 1

                at(reply_at, send_reply)
        if title.startswith("关于修订网格员巡查"):
            # Withdrawn the next morning (one village had not signed yet).

            def withdraw(sender: User = sender, state: dict[str, Any] = state) -> None:
                _run(sender, lambda: docs.withdraw(sender, state["d"].pk, "制度条款需进一步征求意见，另行发文"))
                counts["withdrawn"] += 1

            at(when + dt.timedelta(hours=3), withdraw)

    events.sort(key=lambda e: (e[0], e[1]))
    with transaction.atomic(), simulated_clock(events[0][0] if events else now) as clock:
        for when, _n, fn in events:
            clock.set(when)
            fn()
        clock.set(now)
        # The staff read their older notices (as the other demos do): the bell shows recent news.
        mark_read_before(now - dt.timedelta(days=3))
    counts["recipients"] = DocumentRecipient.objects.count()
    return counts
