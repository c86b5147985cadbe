"""People's models, moved from the registry app with their tables (still named registry_*)."""

from django.db import migrations

from zongzhi.core.migration_ops import MoveModels


class Migration(migrations.Migration):
    initial = True

    dependencies = [("registry", "0013_import_wizard"), ("cases", "0009_report_indexes")]

    operations = [MoveModels("registry", ["Resident", "NameToken", "PersonCategory", "Visit"])]
