from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zongzhi.core.context import Actor, set_actor
from zongzhi.units.demo import DEMO_PASSWORD, build_jurisdiction, build_personas


class Command(BaseCommand):
    help = "Build the demo jurisdiction (南京市浦口区) and one account per persona; prints them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--cases", type=int, default=None, help="demo cases to add (default: 200 small, 0 large)")
        parser.add_argument(
            "--residents", type=int, default=None, help="demo residents to add (default: 1500 small, 0 large)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        set_actor(Actor(username="system"))  # attribute the audit records to the installer
        counts = build_jurisdiction(options["size"])
        personas = build_personas()
        self.stdout.write(f"演示辖区：南京市浦口区（新建单位 {counts['units']} 个，网格 {counts['grids']} 个）")
        from zongzhi.cases.demo_flow import build_flow_cases
        from zongzhi.cases.models import Case

        explicit = options["cases"] is not None
        wanted = options["cases"] if explicit else (200 if options["size"] == "small" else 0)
        if wanted and (explicit or not Case.objects.exists()):
            self.stdout.write(f"演示办件：新增 {build_flow_cases(wanted)} 件（近12个月，经受理、办理、督办等流程）")
        from zongzhi.people.demo import build_residents
        from zongzhi.people.models import Resident

        explicit = options["residents"] is not None
        wanted = options["residents"] if explicit else (1500 if options["size"] == "small" else 0)
        if wanted and (explicit or not Resident.objects.exists()):
            added = build_residents(wanted)
            self.stdout.write(
                f"演示实有人口：新增 {added['residents']} 人（重点人员和关怀对象 {added['categories']} 人，走访记录 {added['visits']} 条）"
            )
            from zongzhi.places.demo import build_places

            self.stdout.write(f"演示房屋、场所和组织：新增 {build_places()['places']} 处")
        from zongzhi.alerts.demo import build_alerts_demo
        from zongzhi.alerts.models import InformationReport

        if options["size"] == "small" and not InformationReport.objects.exists():
            # The demo texts people through the log backend (and one failing gateway, for a failed
            # delivery status): not on screen.
            sms_log = logging.getLogger("zongzhi.sms")
            level = sms_log.level
            sms_log.setLevel(logging.ERROR)
            try:
                added = build_alerts_demo()
            finally:
                sms_log.setLevel(level)
            self.stdout.write(
                "演示预警与信息报送：维稳信息 {reports} 条，预警 {warnings} 条，零报告 {zero} 份，值班 {shifts} 班".format(
                    reports=added.get("reports.reports", 0),
                    warnings=added.get("warnings.warnings", 0),
                    zero=added.get("zero.zero_reports", 0),
                    shifts=added.get("duty.shifts", 0),
                )
            )
        from zongzhi.office.demo import build_office_demo
        from zongzhi.office.models import Meeting

        if options["size"] == "small" and not Meeting.objects.exists():
            office = build_office_demo()
            self.stdout.write(
                "演示日常办公：会议 {meetings} 次，公文 {documents} 份，活动 {activities} 次，工作日志 {work_logs} 条，"
                "排查报表 {dispute_reports} 份，风险评估 {risk_assessments} 项（近三个月）".format(**office)
            )
        from zongzhi.field.demo import build_field_demo

        if options["size"] == "small":
            field = build_field_demo()
            self.stdout.write(
                "演示网格员工作：终端 {terminals} 台，在岗登录 {duty_logins} 条，巡逻线路 {patrol_routes} 条，"
                "巡逻 {patrol_patrols} 次（近一年），每日必办事项 {mustdo_items} 条".format(**field)
            )
        # --- assess
        from zongzhi.assess.demo import build_assess_demo

        if options["size"] == "small":
            assess = build_assess_demo()
            self.stdout.write(
                "演示考核评估：干部电脑登录 {logins} 条，年度考评细则 {rubrics} 份，人工评分 {hand_scores} 项，"
                "单位月度得分 {unit_months} 份（近12个月）".format(**assess)
            )
        # --- end assess
        # --- analysis: the monthly bulletins (after the assessment demo has scored the months)
        from zongzhi.assess.demo_bulletins import build_bulletin_demo

        if options["size"] == "small":
            bulletins = build_bulletin_demo()
            self.stdout.write("演示督查通报：生成 {bulletins} 份，已下发 {issued} 份（近三个月）".format(**bulletins))
        # --- end analysis
        # --- stats: the rollups from everything the demo built (bulk loads bypass the hooks)
        from zongzhi.stats.rollups import rebuild_all

        built = rebuild_all()
        self.stdout.write(f"统计汇总：办件 {built['cases']} 行，基础信息 {built['registry']} 行")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for persona, user in personas:
            self.stdout.write(f"  {user.username:<18} {persona.full_name:<4} {persona.note}")
