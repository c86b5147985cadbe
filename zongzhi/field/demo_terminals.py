"""Demo terminals, agreement signatures and duty logins (在岗) for 沿江街道 and the county.

1. Grid workers: the persona 张伟 (冯墙社区, two grids) and one worker opened for each other grid
   of the first villages of 沿江街道 (the real account services), so the township's "who has
   not logged in today" has people on it.
2. Terminals, through the terminals services at past moments (`simulated_clock`): a phone for
   every grid worker (冯墙社区's kept by its village officer, the others by the township), PCs
   for the officer personas; one phone handed over when its holder left, one reported lost and
   replaced, one PC retired. Each holder signs the agreement the day they receive a terminal, so
   no persona is held back at login.
3. One newcomer, `grid_new` (孙新, 冯墙社区第2网格), received a phone today and has not signed:
   their first login shows the agreement (the browser test walks it).
4. Duty logins for the last 12 months' working days: most days a phone login between 7:30 and
   9:00, some days missed (one worker often), today's logins up to now. The history is written
   in bulk (the login hook's rows, one per worker and day), today's through the service.

Idempotent: nothing is done when the demo's first terminal exists.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from zongzhi.calendar import workdays
from zongzhi.cases.demo_flow import acting
from zongzhi.core.democlock import simulated_clock
from zongzhi.units import accounts
from zongzhi.units.demo import COUNTY_CODE, DEMO_PASSWORD, GRID_1, GRID_2
from zongzhi.units.models import Role, Unit, User

from . import services_duty as duty
from . import services_terminals as terminals
from .models import AgreementText, DutyLogin, Terminal

TOWNSHIP = "320111003000"
VILLAGE = "320111003001"  # 冯墙社区
VILLAGES = 5  # of 沿江街道, whose grids get a worker each
NAMES = ["陈晨", "刘芳", "王磊", "黄丽", "周杰", "吴敏", "徐亮", "孙燕", "马超", "朱琳", "胡斌", "郭静"]
FIRST_ASSET = "YJ-SJ-0001"
NEWCOMER = "grid_new"


def _unit(code: str) -> Unit:
    found: Unit = Unit.objects.defer("boundary").get(code=code if len(code) >= 12 else code.ljust(12, "0"))
    return found


def _user(username: str) -> User:
    return User.objects.select_related("unit").get(username=username)


def _open_worker(username: str, name: str, grid: Unit, phone: str) -> User:
    """A grid worker account of `grid`, opened and granted by the demo's administrators."""
    found = User.objects.select_related("unit").filter(username=username).first()
    if found is not None:
        return found
    village = grid.parent
    assert village is not None
    user = accounts.create_user(
        acting_user=_user("sysadmin"),
        username=username,
        full_name=name,
        phone=phone,
        unit=grid,
        department=None,
        password=DEMO_PASSWORD,
    )
    accounts.set_grants(
        acting_user=_user("secadmin"),
        user=user,
        roles=Role.objects.filter(code="grid_worker"),
        view_scope=[village],
        capture_scope=[grid],
    )
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    return _user(username)


def _workers() -> list[User]:
    """The grid workers of the first villages of 沿江街道: the persona, then one per other grid."""
    township = _unit(TOWNSHIP)
    villages = list(Unit.objects.defer("boundary").filter(parent=township, is_retired=False).order_by("code"))
    out = [_user("grid_worker")]
    n = 0
    for village in villages[:VILLAGES]:
        for grid in Unit.objects.defer("boundary").filter(parent=village, is_retired=False).order_by("code"):
            if grid.code in (GRID_1, GRID_2):
                continue
            out.append(_open_worker(f"gw_{grid.code}", NAMES[n % len(NAMES)], grid, f"1390514{n + 100:04d}"))
            n += 1
    return out


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _keeper_of(worker: User) -> tuple[User, Unit]:
    """Who registers and issues a worker's phone: 冯墙社区's own officer, else the township's."""
    if worker.unit is not None and worker.unit.path.startswith(_unit(VILLAGE).path):
        return _user("village_officer"), _unit(VILLAGE)
    return _user("township_officer"), _unit(TOWNSHIP)


def _register(keeper: User, unit: Unit, asset: str, kind: str, model: str, serial: str, sim: str = "") -> Terminal:
    with acting(keeper):
        return terminals.register_terminal(
            acting_user=keeper,
            unit=unit,
            data=terminals.TerminalData(kind=kind, asset_number=asset, model_name=model, serial=serial, sim_number=sim),
        )


def _issue_and_sign(keeper: User, t: Terminal, holder: User, clock: object, at: dt.datetime, note: str = "") -> None:
    clock.set(at)  # type: ignore[attr-defined]
    with acting(keeper):
        terminals.issue_terminal(acting_user=keeper, terminal_id=t.pk, holder=holder, note=note or "配发使用")
    _sign(holder, clock, at + dt.timedelta(minutes=40), "phone" if t.kind == Terminal.Kind.PHONE else "pc")


def _sign(user: User, clock: object, at: dt.datetime, client: str) -> None:
    clock.set(at)  # type: ignore[attr-defined]
    text = terminals.current_text()
    if text is None:
        return
    with acting(user):
        terminals.sign_agreement(acting_user=user, text_id=text.pk, ip="10.32.1.15", client=client)


def _history(
    workers: list[User], phones: dict[int, Terminal], since: dt.date, today: dt.date, rng: random.Random
) -> int:
    """Phone logins of past working days, in bulk (one row per worker and day, as the hook keeps)."""
    rows: list[DutyLogin] = []
    diligence = {w.pk: (0.7 if i == 3 else rng.uniform(0.9, 0.99)) for i, w in enumerate(workers)}
    d = since
    while d < today:
        if workdays.is_workday(d):
            for w in workers:
                if rng.random() > diligence[w.pk] or w.unit is None:
                    continue
                first = _at(d, 7, 30) + dt.timedelta(minutes=rng.randint(0, 90))
                last = first + dt.timedelta(minutes=rng.randint(0, 9 * 60))
                t = phones.get(w.pk)
                rows.append(
                    DutyLogin(
                        path=w.unit.path,
                        user=w,
                        day=d,
                        client=DutyLogin.Client.PHONE,
                        device_id=f"demo-{w.username}",
                        terminal=t,
                        first_at=first,
                        last_at=last,
                        count=rng.randint(1, 4),
                    )
                )
        d += dt.timedelta(days=1)
    DutyLogin.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def load(now: dt.datetime | None = None) -> dict[str, int]:
    """Build the demo (see the module docstring); returns counts by kind."""
    now = now or timezone.now()
    if Terminal.objects.filter(asset_number=FIRST_ASSET).exists():
        return {"terminals": Terminal.objects.count(), "duty_logins": DutyLogin.objects.count()}
    rng = random.Random(17)
    today = timezone.localdate(now)
    start = now - dt.timedelta(days=365)
    with transaction.atomic():
        # the agreement the migration published was in force before the demo's year began
        AgreementText.objects.filter(version=1, published_at__gt=start).update(
            published_at=start - dt.timedelta(days=1)
        )
        workers = _workers()
        newcomer = _open_worker(NEWCOMER, "孙新", _unit(GRID_2), "13905140199")
        phones: dict[int, Terminal] = {}
        with simulated_clock(start) as clock:
            # 1. a phone for every grid worker, a year ago
            for i, w in enumerate(workers):
                keeper, unit = _keeper_of(w)
                clock.set(start + dt.timedelta(hours=i))
                t = _register(
                    keeper, unit, f"YJ-SJ-{i + 1:04d}", "phone", "华为 nova 12", f"8612{i:011d}", f"1520514{i:04d}"
                )
                _issue_and_sign(keeper, t, w, clock, start + dt.timedelta(hours=i, minutes=10))
                phones[w.pk] = t
            # 2. PCs for the officers, each kept by its own unit
            pcs = [
                ("village_officer", "village_officer", VILLAGE, "FQ-PC-0001"),
                ("township_officer", "township_officer", TOWNSHIP, "YJ-PC-0001"),
                ("township2_officer", "township2_officer", "320111004000", "JP-PC-0001"),
                ("county_officer", "county_officer", COUNTY_CODE, "PK-PC-0001"),
                ("county_officer", "leader", COUNTY_CODE, "PK-PC-0002"),
            ]
            for n, (keeper_name, holder_name, code, asset) in enumerate(pcs):
                keeper = _user(keeper_name)
                at = start + dt.timedelta(days=1, hours=n)
                clock.set(at)
                t = _register(keeper, _unit(code), asset, "pc", "联想 启天 M437", f"PC{n:08d}")
                _issue_and_sign(keeper, t, _user(holder_name), clock, at + dt.timedelta(minutes=5))
            # 3. a spare PC retired after a year in stock
            keeper = _user("township_officer")
            clock.set(start + dt.timedelta(days=2))
            spare = _register(keeper, _unit(TOWNSHIP), "YJ-PC-0002", "pc", "联想 启天 M415", "PC99000001")
            clock.set(now - dt.timedelta(days=20))
            with acting(keeper):
                terminals.retire_terminal(acting_user=keeper, terminal_id=spare.pk, note="主板损坏，无维修价值")
            # 4. a phone lost two months ago and replaced
            if len(workers) > 2:
                w = workers[2]
                keeper, unit = _keeper_of(w)
                clock.set(now - dt.timedelta(days=60))
                with acting(keeper):
                    terminals.report_lost(
                        acting_user=keeper, terminal_id=phones[w.pk].pk, note="入户走访途中遗失，已报派出所"
                    )
                clock.set(now - dt.timedelta(days=59))
                t = _register(keeper, unit, "YJ-SJ-0101", "phone", "华为 nova 12", "861299999999901", "15205149901")
                _issue_and_sign(keeper, t, w, clock, now - dt.timedelta(days=59, hours=-1), note="挂失后补发")
                phones[w.pk] = t
            # 5. a worker left three months ago: their phone went to the next (who had none)
            if len(workers) > 4:
                leaving, taking = workers[4], workers[3]
                keeper, unit = _keeper_of(leaving)
                clock.set(now - dt.timedelta(days=90))
                with acting(keeper):
                    terminals.return_terminal(acting_user=keeper, terminal_id=phones[taking.pk].pk, note="设备老化收回")
                    terminals.hand_over_terminal(
                        acting_user=keeper,
                        terminal_id=phones[leaving.pk].pk,
                        holder=taking,
                        note="原使用人调离，设备完好，随机交接",
                    )
                phones[taking.pk] = phones.pop(leaving.pk)
                User.objects.filter(pk=leaving.pk).update(is_active=False)
                workers = [w for w in workers if w.pk != leaving.pk]
            # 6. the newcomer's phone, issued this morning, not signed yet
            keeper = _user("village_officer")
            clock.set(min(now, _at(today, 8, 0)))
            t = _register(keeper, _unit(VILLAGE), "FQ-SJ-0009", "phone", "荣耀 X50", "861288888888809", "15205148809")
            with acting(keeper):
                terminals.issue_terminal(acting_user=keeper, terminal_id=t.pk, holder=newcomer, note="新进网格员配发")
        # 7. the demo phones are bound to the demo's devices (the newcomer's binds at their first login)
        for w in workers:
            if w.pk in phones:
                Terminal.objects.filter(pk=phones[w.pk].pk).update(device_id=f"demo-{w.username}")
        logins = _history(workers, phones, (now - dt.timedelta(days=365)).date(), today, rng)
        # 8. today: most logged in already, two not yet
        for w in workers[:-2]:
            at = _at(today, 7, 40) + dt.timedelta(minutes=rng.randint(0, 60))
            if at < now:
                duty.record_login(user=w, client="phone", device_id=f"demo-{w.username}", at=at)
    return {"terminals": Terminal.objects.count(), "duty_logins": logins + DutyLogin.objects.filter(day=today).count()}
