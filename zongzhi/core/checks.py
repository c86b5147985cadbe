"""System checks: production needs the key of personal data and the key of the audit chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def data_key_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.EMBEDDED or settings.DATA_KEY:
        return []
    return [
        Error(
            "ZONGZHI_DATA_KEY is not set: ID numbers and phones cannot be sealed or read.",
            hint="Set it to 64 hex digits (python -c 'import secrets; print(secrets.token_hex(32))') "
            "and back it up apart from the database.",
            id="core.E001",
        )
    ]


@register(Tags.security, deploy=True)
def audit_key_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.EMBEDDED or settings.AUDIT_KEY:
        return []
    return [
        Error(
            "ZONGZHI_AUDIT_KEY is not set: the audit log cannot be sealed against tampering, nor verified.",
            hint="Set it to 64 hex digits (python -c 'import secrets; print(secrets.token_hex(32))'), "
            "different from ZONGZHI_DATA_KEY, and keep it out of the database.",
            id="core.E002",
        )
    ]
