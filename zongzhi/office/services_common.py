"""What every part of the office shares: the rules administrators may change, the months and
periods records are counted in, and the upload of photos and files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zongzhi.audit.services import record_event
from zongzhi.cases.attachments import store_upload
from zongzhi.cases.models import Attachment
from zongzhi.core.access import require_cap
from zongzhi.core.errors import InvalidInput
from zongzhi.core.months import month_end, month_of
from zongzhi.units.models import User

from .models import OfficeRule

WRITE = "office.write"
SEND = "office.send"
CONFIGURE = "office.configure"


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int
    help: str


RULES: dict[str, Rule] = {
    r.key: r
    for r in [
        Rule(
            "meeting_entry_days", "会议录入期限（天）", 15, 1, 90, "会议召开后超过该天数不能录入（种子000：15天内录入）"
        ),
        Rule(
            "record_entry_days",
            "活动和工作日志录入期限（天）",
            31,
            1,
            366,
            "活动日期或日志日期早于该天数的不能补录（防止月后补录冲抵每月条数）",
        ),
        Rule("sign_hours", "公文默认签收时限（小时）", 24, 1, 720, "发文时可逐件修改"),
        Rule(
            "activity_monthly_minimum",
            "每月工作活动记录最少条数",
            10,
            0,
            100,
            "少于该数的单位在统计中标红（考评办法第八条）",
        ),
        Rule("dispute_due_day", "排查月报报送日（次月几日前）", 1, 1, 28, "上月月报须在本月该日（含）前上报"),
        Rule("dispute_half_month", "开展半月排查（1开启，0关闭）", 0, 0, 1, "开启后每半月另报一次半月报"),
    ]
}

AUDIT_LABELS = {
    "office.rule_changed": "修改日常办公规则",
    "office.file_uploaded": "上传办公附件",
    "office.ledger_exported": "导出台账",
}


def rule(key: str) -> int:
    """The current value of one rule: the administrator's, else the default."""
    value = OfficeRule.objects.filter(key=key).values_list("value", flat=True).first()
    return RULES[key].default if value is None else value


def all_rules() -> list[dict[str, object]]:
    stored = dict(OfficeRule.objects.values_list("key", "value"))
    return [
        {
            "key": r.key,
            "label": r.label,
            "value": stored.get(r.key, r.default),
            "default": r.default,
            "minimum": r.minimum,
            "maximum": r.maximum,
            "help": r.help,
        }
        for r in RULES.values()
    ]


def set_rule(user: User, key: str, value: int) -> None:
    require_cap(user, CONFIGURE, "只有系统管理员可以修改日常办公规则")
    known = RULES.get(key)
    if known is None:
        raise InvalidInput.field("key", "没有这项规则", code="unknown_rule")
    if not known.minimum <= value <= known.maximum:
        raise InvalidInput.field(
            "value", f"{known.label}应在{known.minimum}到{known.maximum}之间", code="rule_out_of_range"
        )
    with transaction.atomic():
        OfficeRule.objects.update_or_create(key=key, defaults={"value": value})
        record_event("office.rule_changed", detail={"key": key, "value": value})


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month holding `month` (`core.months`)."""
    return month_of(month), month_end(month)


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local moments a range of days covers: from `start`'s midnight to the one after `end`
    (for records dated by a moment, e.g. a meeting's `held_at`)."""
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def upload_file(user: User, upload: UploadedFile) -> Attachment:
    """One photo or file for an office record (PDF, Word and Excel accepted besides photos and
    videos), checked by content; named by the record when it is saved."""
    require_cap(user, WRITE, "没有录入日常办公记录的权限")
    return store_upload(acting_user=user, upload=upload, allow_documents=True)
