"""Adding capabilities to built-in roles from a migration, and taking them back.

Migrations call these with the historical `apps`, so they never import the current models.
"""

from __future__ import annotations

from typing import Any


def grant_capabilities(apps: Any, grants: dict[str, list[str]]) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in grants.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.capabilities = list(dict.fromkeys([*role.capabilities, *caps]))
            role.save(update_fields=["capabilities"])


def revoke_capabilities(apps: Any, grants: dict[str, list[str]]) -> None:
    Role = apps.get_model("units", "Role")
    for code, caps in grants.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            role.capabilities = [c for c in role.capabilities if c not in caps]
            role.save(update_fields=["capabilities"])
