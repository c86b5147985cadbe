"""实战应用 (seed 003 第十条3: phones used, the daily must-do done, on duty) and 安全保密
(第十一条: the confidentiality agreement signed, phones lost)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from zongzhi.assess.measures_common import working_days
from zongzhi.field.models import AgreementSignature, AgreementText, DutyLogin, MustDoItem
from zongzhi.field.services_terminals import report_lost
from zongzhi.units.models import User

from .measures_factories import V1, V2, at, get, last_month, login, run, terminal, texts, this_month, user

pytestmark = pytest.mark.django_db


def _items(worker: User, day: dt.date, total: int, done: int) -> None:
    assert worker.unit is not None
    for n in range(total):
        MustDoItem.objects.create(
            worker=worker,
            day=day,
            kind="visit",
            ref_id=n + 1,
            title=f"走访{n + 1}",
            path=worker.unit.path,
            done_at=at(day, 17) if n < done else None,
            done_how="data" if n < done else "",
        )


def test_mobile_use_three_rules_of_a_point_each() -> None:
    p = last_month()
    days = working_days(p)
    v2 = get(V2)
    assert run("practice.mobile_use", v2, p).waiting
    early = p.start - dt.timedelta(days=30)
    a = user("v2_a", get(V2 + "001"), "grid_worker", joined=at(early))
    b = user("v2_b", get(V2 + "002"), "grid_worker", joined=at(early))
    ta = terminal(v2, "V2-SJ-001", a, early)
    tb = terminal(v2, "V2-SJ-002", b, early)
    enough = math.ceil(len(days) * 0.8)  # the fewest days that make 80%
    for d in days:
        login(a, d, terminal=ta)
    for d in days[:enough]:
        login(b, d, terminal=tb)
    _items(a, days[0], 10, 9)  # 90%: enough
    m = run("practice.mobile_use", v2, p)
    # ① both phones on ≥ 80% of the days, ② 90% of the must-do done, ③ b missed days on duty
    assert m.deduction == 1
    assert m.value == "手机终端2部，2部登录天数达标；每日必办完成率90.0%；网格员2人，1人每个工作日在岗"
    assert texts(m)[0].startswith(f"网格员v2_b（{get(V2 + '002').name}）{len(days) - enough}个工作日未用手机登录")
    # one day fewer on b's phone, one more must-do item not done: all three rules lost
    DutyLogin.objects.filter(user=b, day=days[enough - 1]).delete()
    _items(b, days[0], 1, 0)
    m = run("practice.mobile_use", v2, p)
    assert m.deduction == 3
    assert texts(m)[0] == f"终端V2-SJ-002（v2_b）登录{enough - 1}/{len(days)}个工作日（要求≥80%）"
    assert texts(m)[1] == "每日必办完成9/11项（81.8%，要求≥90%）" and m.shortfalls[1].link == "/field/must-do"
    # the sibling's phones and workers are not ours
    m = run("practice.mobile_use", get(V1), p)
    assert "手机终端" not in m.value and "每日必办" not in m.value


def test_confidentiality_unsigned_holders_and_lost_phones_lose_a_point_each() -> None:
    p = this_month()
    v2 = get(V2)
    assert run("security.confidentiality", v2, p).waiting == "辖区没有登记终端"
    today = timezone.localdate()
    a = user("v2_a", v2, "grid_worker")
    b = user("v2_b", v2, "grid_worker")
    c = user("v2_c", v2, "village_officer")
    current = AgreementText.objects.order_by("-version").first()
    assert current is not None
    AgreementSignature.objects.create(user=a, text=current)
    AgreementSignature.objects.filter(user=b).delete()
    terminal(v2, "V2-SJ-001", a, today)
    lost = terminal(v2, "V2-SJ-002", b, today)
    terminal(v2, "V2-PC-001", c, today, kind="pc")  # a PC holder signs as well
    terminal(v2, "V2-PC-002", c, today, kind="pc")  # one person, however many terminals
    m = run("security.confidentiality", v2, p)
    assert m.deduction == 2 and m.value == "未签保密协议2人，挂失终端0部"
    assert f"未签署第{current.version}版安全保密协议" in texts(m)[0]
    report_lost(acting_user=c, terminal_id=lost.pk, note="外出走访时遗失")
    m = run("security.confidentiality", v2, p)
    # b's phone lost: no longer in use, so b no longer holds a terminal to sign for; c still must
    assert m.deduction == 2 and m.value == "未签保密协议1人，挂失终端1部"
    assert texts(m)[-1].startswith("手机终端V2-SJ-002（v2_b）于") and texts(m)[-1].endswith("挂失")
    assert all(s.link == "/field/terminals" for s in m.shortfalls)
    # a new version asks everyone again; the sibling's terminals are not ours
    AgreementText.objects.create(version=current.version + 1, title="新版保密协议", body="……")
    assert run("security.confidentiality", v2, p).deduction == 3
    assert run("security.confidentiality", get(V1), p).waiting
    # a period before the loss does not count it
    assert "挂失终端0部" in run("security.confidentiality", v2, last_month()).value
