"""The calendar's models, moved from core with their tables (still named core_*)."""

from django.db import migrations

from zongzhi.core.migration_ops import MoveModels


class Migration(migrations.Migration):
    initial = True

    dependencies = [("core", "0001_initial")]

    operations = [MoveModels("core", ["CalendarDay", "CalendarYear"])]
