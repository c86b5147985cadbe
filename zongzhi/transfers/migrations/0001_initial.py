"""Imports and exports, moved from the registry app with their tables (still named registry_*)."""

from django.db import migrations

from zongzhi.core.migration_ops import MoveModels


class Migration(migrations.Migration):
    initial = True

    dependencies = [("registry", "0013_import_wizard")]

    operations = [MoveModels("registry", ["ImportJob", "ImportMapping", "ExportRequest"])]
