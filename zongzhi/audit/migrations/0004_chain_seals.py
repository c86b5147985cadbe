"""The audit chain's seals, and TRUNCATE refused on PostgreSQL.

`audit_auditseal` is append-only like `audit_auditlog`: UPDATE and DELETE are always refused
(a seal is 60 bytes; seals outlive purged entries so the chain still links across them).
PostgreSQL row triggers do not fire on TRUNCATE, which emptied the log in one statement: a
statement trigger now refuses TRUNCATE of both tables. SQLite has no TRUNCATE (its "truncate
optimisation" of a DELETE is off on tables with DELETE triggers). An owner of the tables can
still disable triggers, which is why the application runs as a role that owns nothing
(`manage.py grant_app_role`) and why the chain exists: it shows what such an owner changed.
"""

from importlib import import_module

import django.utils.timezone
from django.db import migrations, models

append_only = import_module("zongzhi.audit.migrations.0002_append_only_triggers")

SQLITE_FORWARD = [
    """CREATE TRIGGER audit_auditseal_no_update BEFORE UPDATE ON audit_auditseal
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_auditseal_no_delete BEFORE DELETE ON audit_auditseal
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditseal_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditseal_no_delete;",
]
PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = 'audit log is append-only: ' || TG_OP || ' refused';
    END $$;""",
    """CREATE TRIGGER audit_auditseal_guard BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_refuse();""",
    """CREATE TRIGGER audit_auditseal_no_truncate BEFORE TRUNCATE ON audit_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();""",
    """CREATE TRIGGER audit_auditlog_no_truncate BEFORE TRUNCATE ON audit_auditlog
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditlog_no_truncate ON audit_auditlog;",
    "DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;",
    "DROP TRIGGER IF EXISTS audit_auditseal_guard ON audit_auditseal;",
    "DROP FUNCTION IF EXISTS audit_refuse();",
]


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_lean_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('entry_id', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='审计记录ID')),
                ('prev_id', models.BigIntegerField(blank=True, null=True, verbose_name='前一条记录ID')),
                ('at', models.DateTimeField(db_index=True, verbose_name='记录时间')),
                ('mac', models.BinaryField(max_length=32, verbose_name='校验码')),
                ('sealed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='封存时间')),
            ],
            options={
                'verbose_name': '审计日志封存',
                'verbose_name_plural': '审计日志封存',
            },
        ),
        migrations.CreateModel(
            name='AuditSealState',
            fields=[
                ('id', models.SmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('target_id', models.BigIntegerField(default=0)),
                ('mark_id', models.BigIntegerField(blank=True, null=True)),
                ('mark_xid', models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                'verbose_name': '审计日志封存进度',
                'verbose_name_plural': '审计日志封存进度',
            },
        ),
        migrations.RunPython(
            append_only._run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            append_only._run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
