from __future__ import annotations

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    """Places (房屋, 小区, 重点场所, 治安设施) and organisations with their members."""

    name = "zongzhi.places"
    label = "places"
    verbose_name = "场所与组织"
    # Audit rows and sealed files name a record "<app label>.<model>"; see PeopleConfig.
    record_label = "registry"
