"""Make the audit log append-only in the database itself.

UPDATE is always refused; DELETE is refused for entries younger than the retention period
(180 days), so nobody, the application included, can rewrite or remove recent history. The
same migration installs the right triggers on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

RETENTION_DAYS = 180

SQLITE_FORWARD = [
    """CREATE TRIGGER audit_auditlog_no_update BEFORE UPDATE ON audit_auditlog
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER audit_auditlog_no_delete BEFORE DELETE ON audit_auditlog
    WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: entries are kept {RETENTION_DAYS} days'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditlog_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditlog_no_delete;",
]

PG_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION audit_auditlog_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit log is append-only: UPDATE refused';
        END IF;
        IF OLD.at > now() - interval '{RETENTION_DAYS} days' THEN
            RAISE EXCEPTION 'audit log is append-only: entries are kept {RETENTION_DAYS} days';
        END IF;
        RETURN OLD;
    END $$;""",
    """CREATE TRIGGER audit_auditlog_guard BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION audit_auditlog_guard();""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_auditlog_guard ON audit_auditlog;",
    "DROP FUNCTION IF EXISTS audit_auditlog_guard();",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
