"""Places and organisations, moved from the registry app with their tables (still named registry_*)."""

from django.db import migrations

from zongzhi.core.migration_ops import MoveModels


class Migration(migrations.Migration):
    initial = True

    dependencies = [("registry", "0013_import_wizard"), ("people", "0001_initial")]

    operations = [MoveModels("registry", ["Compound", "House", "HouseOccupant", "KeyPlace", "Facility", "Inspection", "Organisation", "OrgMember"])]
