from __future__ import annotations

from django.apps import AppConfig


class AssessConfig(AppConfig):
    """Assessment (考核评估): the login red light (seed 000), the scoring rubric of seed 003's
    应用管理考评办法 with computed and hand-scored items, rankings, and the monthly bulletin
    (督查通报)."""

    name = "zongzhi.assess"
    label = "assess"
    verbose_name = "考核评估"
