"""The application's PostgreSQL role: everything it needs, and on the audit tables no more
than INSERT and SELECT.

Two roles run a production database. The owner role creates the tables (`migrate`) and runs
`purge_audit`; the application role (web, Celery) connects for everything else. A table's
owner can `ALTER TABLE … DISABLE TRIGGER` and so get past the append-only triggers; a role
that owns nothing and holds only INSERT and SELECT on the audit tables can neither change nor
remove an entry, nor empty the table. `grant` gives that role its privileges; it is idempotent
and is run by the owner after every `migrate` (`manage.py grant_app_role <role>`), since new
tables of later migrations get the default privileges but the audit tables' restrictions are
applied here.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

# Append-only tables: the application may add and read rows, nothing else.
APPEND_ONLY_TABLES = ("audit_auditlog", "audit_auditseal")


class RoleError(Exception):
    """The role cannot serve as the application role (missing, or too powerful)."""


def check_role(cursor: Any, role: str) -> None:
    """Refuse a role that does not exist, is a superuser, or owns (or is a member of the owner
    of) the audit tables: each of those could disable the triggers."""
    cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        raise RoleError(f"role {role!r} does not exist: CREATE ROLE {role} LOGIN PASSWORD '…' first")
    if row[0]:
        raise RoleError(f"role {role!r} is a superuser: it could disable the audit triggers")
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = ANY(%s)"
        " AND pg_has_role(%s, c.relowner, 'USAGE')",
        [list(APPEND_ONLY_TABLES), role],
    )
    owned = [r[0] for r in cursor.fetchall()]
    if owned:
        raise RoleError(
            f"role {role!r} owns (or may act as the owner of) {', '.join(owned)}: "
            "it could disable the audit triggers; the owner role runs migrations, the application another"
        )


def grant_statements(role: str, database: str, schema: str) -> list[sql.Composed]:
    r, db, sch = sql.Identifier(role), sql.Identifier(database), sql.Identifier(schema)
    audit = sql.SQL(", ").join(sql.Identifier(t) for t in APPEND_ONLY_TABLES)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sch, r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(sch, r),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sch, r),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(audit, r),
        sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(audit, r),
        # Tables and sequences the owner creates later (new migrations) are usable at once.
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(
            sch, r
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(sch, r),
    ]


def grant(cursor: Any, role: str) -> None:
    """Give `role` the application's privileges in the current database (see the module)."""
    check_role(cursor, role)
    cursor.execute("SELECT current_database(), current_schema()")
    database, schema = cursor.fetchone()
    for statement in grant_statements(role, database, schema):
        cursor.execute(statement)
