"""The demo's stability risk assessments at the demo township (沿江街道): one finished with 中风险
and 暂缓实施, one finished with 低风险 and 准予实施, one in progress at 组织调查, and one
registered twice by mistake and withdrawn. Written through the services at past moments."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zongzhi.cases.attachments import store_upload
from zongzhi.core.democlock import simulated_clock
from zongzhi.units.models import Unit, User

from . import services_risks as risks
from .models import RiskAssessment

TOWNSHIP = "320111003000"
PLAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

NOTES = {
    "define": "经街道党工委会议研究，确定对该事项开展社会稳定风险评估",
    "plan": "制定评估工作方案，明确评估小组、评估内容和时间安排",
    "investigate": "走访涉及群众，召开座谈会，发放征求意见表",
    "analyse": "评估小组对合法性、合理性、可行性和可控性逐项分析论证",
    "grade": "综合分析，确定风险等级",
    "report": "形成社会稳定风险评估报告，提出化解措施",
    "approve": "报街道党工委审定",
}


def build_demo() -> dict[str, int]:
    township = Unit.objects.filter(code=TOWNSHIP).first()
    if township is None or RiskAssessment.objects.filter(unit=township).exists():
        return {}
    officer = User.objects.get(username="township_officer")
    now = timezone.now()
    counts = {"assessments": 0, "steps": 0}
    plans = [
        (
            "project",
            "滨江片区老旧小区改造项目",
            "涉及居民312户，含加装电梯和停车位调整",
            80,
            7,
            "medium",
            "conditional",
        ),
        ("decision", "街道垃圾中转站选址调整", "拟将中转站迁至工业园区东侧，距居民区约400米", 60, 7, "low", "proceed"),
        ("matter", "沿江农贸市场整体搬迁", "市场经营户146户，搬迁涉及摊位重新分配", 20, 2, "", ""),
    ]
    with transaction.atomic(), simulated_clock(now - dt.timedelta(days=90)) as clock:
        for subject, title, description, days_ago, steps, level, decision in plans:
            start = now - dt.timedelta(days=days_ago)
            clock.set(start)
            a = risks.register(
                officer,
                township,
                subject=subject,
                title=title,
                description=description,
                group_members="王强（组长）、街道综治中心、司法所、派出所、城建办",
            )
            counts["assessments"] += 1
            for n, step in enumerate(risks.STEPS[:steps]):
                at = min(start + dt.timedelta(days=3 * (n + 1), hours=2), now)
                clock.set(at)
                files: list[int] = []
                if step == "plan" and subject == "project":
                    upload = SimpleUploadedFile("评估工作方案.pdf", PLAN_PDF, content_type="application/pdf")
                    files = [store_upload(acting_user=officer, upload=upload, allow_documents=True).pk]
                a = risks.complete_step(
                    officer,
                    a,
                    step=step,
                    note=NOTES[step],
                    done_on=timezone.localdate(at),
                    risk_level=level if step == "grade" else "",
                    decision=decision if step == "approve" else "",
                    attachment_ids=files,
                )
                counts["steps"] += 1
        clock.set(now - dt.timedelta(days=10))
        twice = risks.register(officer, township, subject="matter", title="沿江农贸市场整体搬迁")
        clock.set(now - dt.timedelta(days=10, hours=-1))
        risks.withdraw(officer, twice, "重复登记")
        counts["assessments"] += 1
    return counts
