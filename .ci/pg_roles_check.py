"""PostgreSQL under the two roles of a production deployment (docs/developer-guide.md §9).

1. As the superuser of PG_TEST_URL: (re)create a scratch database and the application role.
2. As the owner: `migrate`, then `grant_app_role`.
3. As the application role: load the demo, run the sealing job twice (the second run seals what
   the first saw), verify the chain; TRUNCATE, UPDATE, DELETE and DISABLE TRIGGER on the audit
   log must all be refused.
4. As the owner, with the triggers disabled: change one entry; `verify_audit` must now fail.

Run by `make test-pg-roles` (part of `make test-python` when PostgreSQL is reachable).
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
from psycopg import conninfo, errors

ADMIN_URL = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/test")
DATABASE = os.environ.get("PG_ROLES_DB", "zongzhi_roles_check")
APP_ROLE = os.environ.get("PG_APP_ROLE", "zongzhi_app_check")
APP_PASSWORD = "zongzhi-app-check"  # a scratch role; ignored where the server trusts local users
KEYS = {"ZONGZHI_SECRET_KEY": "pg-roles-check", "ZONGZHI_DATA_KEY": "d" * 64, "ZONGZHI_AUDIT_KEY": "a" * 64}


def url(**changes: str) -> str:
    params = conninfo.conninfo_to_dict(ADMIN_URL)
    params.update(changes)
    return "postgresql://{user}{password}@{host}:{port}/{dbname}".format(
        user=params.get("user") or "postgres",
        password=f":{params['password']}" if params.get("password") else "",
        host=params.get("host") or "127.0.0.1",
        port=params.get("port") or 5432,
        dbname=params["dbname"],
    )


def manage(database_url: str, *args: str, expect_failure: bool = False) -> None:
    env = {**os.environ, **KEYS, "DATABASE_URL": database_url}
    print("==", " ".join(args), flush=True)
    result = subprocess.run([sys.executable, "manage.py", *args], env=env, check=False)
    if (result.returncode != 0) != expect_failure:
        sys.exit(f"pg-roles-check: manage.py {' '.join(args)} exited {result.returncode}")


def main() -> None:
    owner_url = url(dbname=DATABASE)
    app_url = url(dbname=DATABASE, user=APP_ROLE, password=APP_PASSWORD)
    with psycopg.connect(url(dbname="postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
        try:
            admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'")
        except errors.DuplicateObject:
            admin.execute(f"ALTER ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'")
    try:
        manage(owner_url, "migrate", "--noinput", "-v", "0")
        manage(owner_url, "grant_app_role", APP_ROLE)
        manage(app_url, "demo", "--size", "small")
        manage(app_url, "seal_audit")
        manage(app_url, "seal_audit")
        manage(app_url, "verify_audit")
        with psycopg.connect(app_url, autocommit=True) as app:
            for statement in (
                "TRUNCATE audit_auditlog",
                "UPDATE audit_auditlog SET username = 'x'",
                "DELETE FROM audit_auditlog",
                "ALTER TABLE audit_auditlog DISABLE TRIGGER USER",
            ):
                try:
                    app.execute(statement)
                except errors.InsufficientPrivilege:
                    continue
                sys.exit(f"pg-roles-check: the application role could run {statement!r}")
        with psycopg.connect(owner_url, autocommit=True) as owner:
            owner.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER USER")
            owner.execute("UPDATE audit_auditlog SET username = 'rewritten' WHERE id = (SELECT min(id) FROM audit_auditlog)")
            owner.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER USER")
        manage(app_url, "verify_audit", expect_failure=True)
    finally:
        with psycopg.connect(url(dbname="postgres"), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    print("pg-roles-check: ok")


if __name__ == "__main__":
    main()
