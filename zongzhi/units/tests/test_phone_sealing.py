"""Staff phones are sealed at rest like residents' phones, shown masked, and the migration that
sealed the numbers stored before left none of them in the database file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from zongzhi.units.models import User

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_a_staff_phone_is_sealed_in_its_row_masked_in_lists_and_revealed_with_an_audit(
    api: Any, unit: Any, audit_since: Any
) -> None:
    r = api("sysadmin").post(
        "/api/users",
        {
            "username": "sun_qi",
            "full_name": "孙七",
            "phone": "13812349876",
            "unit_id": unit("320111003001").pk,
            "password": "Start#2026pw",
        },
    )
    assert r.status_code == 201, r.json()
    user_id = r.json()["id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM units_user WHERE id = %s", [user_id])
        row = cursor.fetchone()
    raw = b"".join(bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in row)
    assert b"13812349876" not in raw and b"138****9876" in raw
    listed = api("sysadmin").get("/api/users", {"q": "sun_qi"}).json()["items"]
    assert listed[0]["phone_masked"] == "138****9876" and "13812349876" not in str(listed)
    assert api("sysadmin").get(f"/api/users/{user_id}/phone").json() == {"phone": "13812349876"}
    assert audit_since("pii.unmask")[0].detail == {"field": "phone", "shown": "138****9876"}
    assert User.objects.get(pk=user_id).phone == "13812349876"  # what the SMS gateway is given


def _insert_user(db: Path, username: str, phone: str) -> None:
    """A user row as the schema before sealing held it, every required column filled."""
    with closing(sqlite3.connect(db)) as conn, conn:
        columns = conn.execute("PRAGMA table_info(units_user)").fetchall()
        values: dict[str, Any] = {}
        for _, name, kind, notnull, default, pk in columns:
            if pk or not notnull or default is not None:
                continue
            kind = kind.lower()
            values[name] = 0 if ("int" in kind or "bool" in kind) else ("2026-01-01 00:00:00" if "date" in kind else "")
        values.update(username=username, phone=phone, grants_stamp="0" * 32)
        names = ", ".join(values)
        conn.execute(f"INSERT INTO units_user ({names}) VALUES ({', '.join('?' * len(values))})", list(values.values()))


def test_the_migration_seals_stored_phones_and_leaves_no_plaintext_in_the_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ZONGZHI_DATA_DIR=str(tmp_path), ZONGZHI_DATA_KEY="5a" * 32, DJANGO_SETTINGS_MODULE="zongzhi.settings")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "units", "0005", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    db = tmp_path / "zongzhi.sqlite3"
    _insert_user(db, "old_hand", "13955550123")
    _insert_user(db, "no_phone", "")
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)

    for leftover in tmp_path.glob("zongzhi.sqlite3*"):  # the file, and a WAL if one is left
        assert b"13955550123" not in leftover.read_bytes(), leftover.name
    with closing(sqlite3.connect(db)) as conn:
        rows = dict(conn.execute("SELECT username, phone_mask FROM units_user").fetchall())
        sealed = conn.execute("SELECT phone_sealed FROM units_user WHERE username = 'old_hand'").fetchone()[0]
    assert rows == {"old_hand": "139****0123", "no_phone": ""}
    from zongzhi.core.crypto import unseal

    assert settings.DATA_KEY == "5a" * 32  # the key the migration sealed with (conftest)
    assert unseal(sealed) == "13955550123"
