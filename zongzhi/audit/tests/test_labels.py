"""The auditor reads the log in Chinese: every action the code can write has a label, every
logged field a name, objects and units read as names, not codes."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from zongzhi.audit.labels import field_label
from zongzhi.audit.models import ChangeLoggedModel
from zongzhi.audit.services import ACTION_LABELS
from zongzhi.cases.actions import ACTIONS
from zongzhi.people.tests.test_categories import MENTAL, _list, _resident
from zongzhi.transfers.models import ImportJob

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]  # the zongzhi package
WRITERS = {"record_event", "AuditNote"}
# The actions an f-string writes: its template with the values the placeholder takes.
TEMPLATES: dict[str, list[str]] = {
    "case.{action}": list(ACTIONS),
    "registry.{mode}_started": list(ImportJob.Mode.values),
    "registry.{which}_downloaded": ["rejects", "report"],
}
# Places that pass on an action named elsewhere (where it is written as a literal, and found).
PASSED_ON = {("api.py", "exc.audit.action"), ("people/services.py", "event"), ("alerts/docx.py", "event")}


def _template(node: ast.JoinedStr) -> str:
    return "".join(
        str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"  # type: ignore[attr-defined]
        for v in node.values
    )


def _actions(node: ast.expr, where: str, passed: set[tuple[str, str]]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _actions(node.body, where, passed) | _actions(node.orelse, where, passed)
    if isinstance(node, ast.JoinedStr):
        template = _template(node)
        assert template in TEMPLATES, f"{where}: add the values of {template!r} to TEMPLATES"
        return {template.format(**dict.fromkeys(_names(template), v)) for v in TEMPLATES[template]}
    passed.add((where, ast.unparse(node)))
    return set()


def _names(template: str) -> list[str]:
    return [part.split("}")[0] for part in template.split("{")[1:]]


def written_actions() -> tuple[set[str], set[tuple[str, str]]]:
    """Every action a `record_event(...)`, an `AuditNote(...)` or a retirement's `event=` writes."""
    found: set[str] = set()
    passed: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in f"/{rel}":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in WRITERS and node.args:
                found |= _actions(node.args[0], rel, passed)
            for kw in node.keywords:
                if kw.arg == "event":
                    found |= _actions(kw.value, rel, passed)
    return found, passed


def test_every_action_the_code_writes_has_a_chinese_label() -> None:
    actions, passed = written_actions()
    assert len(actions) > 80  # the scan finds the writers
    assert passed == PASSED_ON
    missing = sorted(a for a in actions | {"create", "update", "delete"} if a not in ACTION_LABELS)
    assert missing == []


def test_every_logged_field_has_a_chinese_name() -> None:
    unnamed = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if issubclass(model, ChangeLoggedModel)
        for field in model._meta.concrete_fields
        if field.name not in model.audit_exclude
        and not any("\u4e00" <= ch <= "\u9fff" for ch in field_label(model, field.name))
    ]
    assert unnamed == []


def test_the_auditor_reads_a_visit_in_chinese(api: Any, unit: Any) -> None:
    rid = _resident(api, unit, name="孙某某")
    listed = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    cid = _list(api, rid, {**MENTAL, "listed_on": listed, "risk_level": 1}).json()["id"]
    visit = {"visited_on": timezone.localdate().isoformat(), "method": "home", "content": "上门走访，情绪稳定。"}
    assert api("grid_worker").post(f"/api/registry/categories/{cid}/visits", visit).status_code == 201

    entries = api("auditor").get("/api/audit", {"object_type": "registry.personcategory", "object_id": str(cid)})
    assert entries.status_code == 200, entries.json()
    by_action = {e["action"]: e for e in entries.json()["items"]}
    event = by_action["visit.recorded"]
    assert event["action_label"] == "记录走访服务"
    assert event["object_label"] == "重点人员「孙**」"  # the name masked, no ID number
    assert event["object_type_label"] == "重点人员与关怀对象"
    assert event["unit_name"] and not event["unit_name"].isdigit()
    change = next(e for e in entries.json()["items"] if e["layer"] == "change" and "visit_count" in e["changes"])
    assert change["field_labels"]["visit_count"] != "visit_count"
    assert change["field_labels"]["next_visit_on"] != "next_visit_on"
    assert change["object_unit_name"]
