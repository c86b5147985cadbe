"""The stored name of a kind of record."""

from __future__ import annotations

from typing import Any


def record_type(model: Any) -> str:
    """How audit rows and sealed files name a kind of record (a model class or an instance):
    "<app label>.<model name>", e.g. "cases.case".

    An app that took over models from another keeps the old app's name for them in
    `record_label` on its AppConfig ("registry" for people, places and transfers), so the audit
    rows and sealed files written before the move still match their records."""
    meta = model._meta
    return f"{getattr(meta.app_config, 'record_label', meta.app_label)}.{meta.model_name}"
