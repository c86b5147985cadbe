"""What the case engine tells people, and whom: the current holder, or the unit above it."""

from __future__ import annotations

from zongzhi.core.fastinsert import Batch
from zongzhi.notify.services import Notice, Staff, notify_staff

from .models import Case

# reason → (title, body); the body names the case and, for the unit above, its holder.
REASONS = {
    "new": ("新的待办", "{number}「{title}」已送达，请及时受理{note}"),
    "returned": ("办件被退回", "{number}「{title}」被退回，请查看"),
    "supervised": ("办件被{level}", "{number}「{title}」被上级{level}，请抓紧办理"),
    "completed": ("办件待确认", "{number}「{title}」已办结，请确认"),
    "due_soon": ("办件即将到期", "{number}「{title}」即将到期，请抓紧办理"),
    "overdue": ("办件已超期", "{number}「{title}」已超期"),
    "overdue_parent": ("下级办件超期", "{holder}的{number}「{title}」已超期，请督促"),
}


def notice(
    to: Staff,
    reason: str,
    *,
    case_id: int,
    number: str,
    title: str,
    holder: str = "",
    level: str = "",
    note: str = "",
) -> Notice:
    """The message for `reason` about one case (its notify kind is the reason); `level` names a
    supervision's card (黄牌督办…), `note` is said after a new case's message."""
    heading, template = REASONS[reason]
    values = {"number": number, "title": title, "holder": holder, "level": level or "督办", "note": note}
    return Notice(to, reason, heading.format(**values), template.format(**values), case_id)


def tell_holder(case: Case, reason: str, batch: Batch | None = None, *, level: str = "") -> None:
    """Tell the staff of the case's current holder: a new case, a return, supervision,
    completion. Written in the action's transaction (the outbox); SMS after it commits. A case
    reported from a position outside the reporter's grids says so (the holder checks it)."""
    to = Staff(case.holder_unit_id, case.holder_department_id)
    number = case.number or str(case.pk)
    note = "（上报位置不在上报人负责的网格内，请核实）" if case.details.get("located_in_grid") is False else ""
    notify_staff([notice(to, reason, case_id=case.pk, number=number, title=case.title, level=level, note=note)], batch)
