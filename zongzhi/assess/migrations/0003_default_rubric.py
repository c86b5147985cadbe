"""The built-in default rubric: seed 003's 浦口区综治信息系统应用管理考评办法 (试行), 第六条–第十一条,
every item with its text and points (100 in all). The items the data can measure carry the code
of their measure (zongzhi/assess/measures_*.py); the others are scored by hand by the unit
above. 第七条3, 第八条2, 第九条1/3/4/5 and 第十条3 are split where part of the item is computed
and part is judged by hand. A year's rubric is a copy of this one (services_rubric.copy_rubric)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

# (number, name, [(item number, text, points, measure code or "")])
SECTIONS: list[tuple[str, str, list[tuple[str, str, str, str]]]] = [
    (
        "第六条",
        "基础建设",
        [
            ("6.1", "建立保障体制。各街道要加强组织领导，保障综治信息系统建设工作，确保相关工作规范、高效开展，1分；每一部PC或手机终端都要明确专人，做到有专人负责信息平台的信息录入及日常维护工作，1分。", "2", ""),
            ("6.2", "开展培训指导。积极参加上级统一组织的平台培训，1分；同时各街道要加强对社区平台工作人员的集中培训和经常性的指导，不断提高人员工作能力和水平，1分。", "2", ""),
            ("6.3", "开展高效应用。积极使用综治信息系统，各单位领导成员要带头推动，1分；实现各层级的信息传输、数据交换、资源共享电子化，提高平台在工作中的实际应用，1分。", "2", ""),
            ("6.4", "建立督查考核制度。各街道要明确辖区各社区平台工作责任，1分；强化检查考核，促进平台工作规范化、制度化、常态化，2分。", "3", ""),
            ("6.5", "数据录入情况。数据录入做到完整性、规范性、准确性、及时性，各1分；附件上传图文并茂，1分。", "5", ""),
        ],
    ),
    (
        "第七条",
        "基础信息",
        [
            ("7.1", "综治机构和工作人员：街道综治委（办）机构和工作人员信息录入完整，0.5分；机构简介规范，工作人员信息维护及时，0.5分。", "1", ""),
            ("7.2", "群防群治组织：街道、社区专职巡防队伍，平安志愿者队伍按要求配备到位，队伍人员信息录入完整，开展活动记录真实。", "1", ""),
            ("7.3.1", "服务对象：规范录入辖区内刑满释放人员、社区服刑人员、重点问题青少年、影响平安稳定的艾滋病人、重点上访人员、易肇事肇祸精神病人、影响平安稳定的吸毒人员、邪教人员等8类服务对象，少一个扣0.1分。", "2", "basic.service_categories"),
            ("7.3.2", "服务对象：按相关要求建立帮教小组，无帮教组织一个扣0.5分。", "2", "basic.help_groups"),
            ("7.4", "治安设施录入齐全，每月按时完成巡检，少一次扣0.1分。", "1", "basic.facility_inspections"),
            ("7.5", "网格化建设：街道、社区网格科学划分，一长四员录入完整，少一个扣0.1分。", "1", "basic.grid_staff"),
            ("7.6", "小区信息、社会单位、社会组织按要求录入准确、完整，各1分。", "3", ""),
            ("7.7", "治安案件及时分析。", "2", ""),
            ("7.8", "对辖区内流动人口、出租房信息及时做好衔接，并做好更新维护工作，做到信息要素齐全。", "3", ""),
        ],
    ),
    (
        "第八条",
        "日常办公",
        [
            ("8.1", "工作活动记录客观真实，按功能要求每月不少于10条，少一条扣0.5分。", "5", "office.activity_records"),
            ("8.2.1", "公文上传下达、材料报送实行网上流转，发送和接受文件规范、及时，公文材料未在平台流转、发送和未按工作流程办理的或超时收文每次扣0.5分。", "3", "office.document_signoff"),
            ("8.2.2", "公文做到与专项工作关联，1分；并有附件上传，1分。", "2", ""),
            ("8.3", "计划总结上传及时规范，1分；经验得到交流推广，1分。", "2", ""),
        ],
    ),
    (
        "第九条",
        "业务工作",
        [
            ("9.1.1", "PC和手机各终端信息员每个工作日登录系统，及时查看信息，办理每日必办，录入、更新相关数据。", "2", "work.daily_logins"),
            ("9.1.2", "每日必办准确到位，少一部移动终端未登录扣0.2分。", "2", "work.terminal_logins"),
            ("9.2", "巡逻线路定义名称准确，0.5分；巡逻人员、时间明确，巡逻记录规范完整，1.5分。", "2", "work.patrol_routes"),
            ("9.3.1", "组织社区综治专干和专兼职网格员通过PC和手机终端对各类矛盾纠纷事件做到实时上报，街道系统管理员及时受理各类矛盾纠纷事件并进行上报、分流交办；对发生的重大社会矛盾纠纷，之前没有及时在系统录入、上报的，每发现一次扣2分。", "2", ""),
            ("9.3.2", "及时排查上报并积极化解矛盾纠纷，化解率达95%以上。", "2", "work.dispute_resolution"),
            ("9.3.3", "对上级流转交办、督办的矛盾纠纷事件落实责任人重点组织化解，同时将化解结果按要求上传综治信息系统，做到录入及时规范；对于上报与交办事项没有及时反馈的，每发现一次扣1分。", "2", "work.case_feedback"),
            ("9.4.1", "服务对象工作记录和集体活动，按各类服务对象帮教要求开展，做到服务对象、服务时间、服务内容三明确，确保对各类重点人员服务全覆盖，少一次扣0.2分。", "2", "work.visits"),
            ("9.4.2", "及时完整录入平台，服务率达100%，低一个点扣0.2分。", "2", "work.service_rate"),
            ("9.5.1", "信访突出问题、群体性事件及时发现、上报；之前没有及时在系统录入、上报的，每发现一次扣1分。", "2", "work.report_lapses"),
            ("9.5.2", "对发生的信访突出问题、群体性事件有效稳控化解，处置措施明确。", "2", ""),
            ("9.6", "组织协调开展治安突出问题、治安重点区域、公共安全突出问题、公共安全重点区域排查，及时登记、处理和上报，1分；明确整治措施，取得整治效果，2分；并按功能指南要求在平台记录整治信息，1分。", "4", ""),
            ("9.7", "对重大决策、重大项目、重大事项实行社会稳定风险评估，并及时规范录入信息系统。", "2", ""),
            ("9.8", "社会组织活动及时动态录入；专项工作按时完成并上传。", "2", ""),
        ],
    ),
    (
        "第十条",
        "实战应用",
        [
            ("10.1", "问题研判规范高效：准确、及时和完整掌握辖区内涉稳情况，2分；形成分析研判报告，及时预警和报送重大案（事）件、重大矛盾纠纷，2分；排查研判不安定因素的隐患苗头，制定预案和风险化解措施，2分；对可防性案件每月进行分析研判，与公安派出所共同制定防范措施，3分。", "9", ""),
            ("10.2", "充分发挥系统作用：整合区域综治维稳资源力量和信息数据，形成上下贯通、横向联通的综治信息链，2分；实行督查督办、限时办结，2分；做到工作机制、工作流程规范，2分。", "6", ""),
            ("10.3.1", "手机移动终端熟练运用，每日登录必办事项，24小时开机在岗，每项1分。", "3", "practice.mobile_use"),
            ("10.3.2", "与三级平台串联、各类数据共享，三级平台运用各项工作流程熟悉、运用规范，部门协作有力、关联事项清晰，每项1分。", "3", ""),
            ("10.3.3", "结合实际，做好与大联勤指挥平台对接运用，操作流程熟悉，形成工作合力。", "3", ""),
            ("10.4", "开展典型案例评比：年度开展综治信息系统应用典型案例评比表彰活动，促进系统信息规范有效运行。", "3", ""),
        ],
    ),
    (
        "第十一条",
        "安全保密",
        [
            ("11", "强化日常安全检查，与终端使用人签订安全保密协议，做好终端账号和密码保密、防盗工作；如有外泄和手机丢失情况应及时报告；向有关单位提供相关信息应经上级综治办批准并做好登记。违反上述规定的，有一项扣1分。", "3", "security.confidentiality"),
        ],
    ),
]


def forward(apps: Any, schema_editor: Any) -> None:
    Rubric = apps.get_model("assess", "Rubric")
    RubricSection = apps.get_model("assess", "RubricSection")
    RubricItem = apps.get_model("assess", "RubricItem")
    rubric = Rubric.objects.create(path="", year=None, title="综治信息系统应用管理考评办法（默认）")
    sort = 0
    for s_index, (number, name, items) in enumerate(SECTIONS):
        section = RubricSection.objects.create(rubric=rubric, number=number, name=name, sort=s_index)
        for item_number, text, points, measure in items:
            sort += 1
            RubricItem.objects.create(
                rubric=rubric,
                section=section,
                number=item_number,
                text=text,
                points=Decimal(points),
                measure=measure,
                params={},
                sort=sort,
            )


def backward(apps: Any, schema_editor: Any) -> None:
    apps.get_model("assess", "Rubric").objects.filter(path="", year=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assess", "0002_rubric")]
    operations = [migrations.RunPython(forward, backward)]
