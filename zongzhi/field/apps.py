from __future__ import annotations

from django.apps import AppConfig


class FieldConfig(AppConfig):
    """The grid worker's day: the daily must-do list (每日必办), logins on duty (在岗) and the
    terminals register with its confidentiality agreement (终端管理, 保密协议)."""

    name = "zongzhi.field"
    label = "field"
    verbose_name = "网格员工作"

    def ready(self) -> None:
        from zongzhi.audit.services import ACTION_LABELS

        from . import (
            services_duty,
            services_mustdo,
            services_terminals,
            tasks_mustdo,  # noqa: F401  (registers the morning must-do job, also in process)
        )

        for part in (services_mustdo, services_duty, services_terminals):
            ACTION_LABELS.update(part.AUDIT_LABELS)

        # units imports no app: the field's part of logging in and of /me plugs in here
        from zongzhi.units import api_auth, auth

        if services_terminals.refuse_lost_phone not in auth.LOGIN_HOOKS:
            auth.LOGIN_HOOKS.append(services_terminals.refuse_lost_phone)
        if services_duty.on_logged_in not in auth.LOGGED_IN_HOOKS:
            auth.LOGGED_IN_HOOKS.append(services_duty.on_logged_in)
        if services_terminals.agreement_gate not in auth.REQUEST_GATES:
            auth.REQUEST_GATES.append(services_terminals.agreement_gate)
        api_auth.ME_FLAGS["agreement_required"] = services_terminals.agreement_required
