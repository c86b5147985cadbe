"""The audit log keeps only the indexes its searches use: each audited action writes one row."""

from importlib import import_module

from django.db import migrations, models

from zongzhi.core.migration_ops import drop_path_like_indexes

append_only = import_module("zongzhi.audit.migrations.0002_append_only_triggers")


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds a table to alter a column, and the append-only triggers go with the old
    table: put them back (PostgreSQL keeps its trigger)."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in append_only.SQLITE_BACKWARD + append_only.SQLITE_FORWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='action',
            field=models.CharField(max_length=64, verbose_name='操作'),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='object_type',
            field=models.CharField(blank=True, max_length=64, verbose_name='对象类型'),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='user_id',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='用户ID'),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='username',
            field=models.CharField(blank=True, max_length=150, verbose_name='用户名'),
        ),
        migrations.AddIndex(
            model_name='auditlog',
            index=models.Index(fields=['action'], name='audit_action_idx', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='auditlog',
            index=models.Index(fields=['username'], name='audit_username_idx'),
        ),
        drop_path_like_indexes("audit"),
        migrations.RunPython(restore_sqlite_triggers, restore_sqlite_triggers),
    ]
