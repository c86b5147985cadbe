"""Operations shared by migrations of several apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _drop_path_like_indexes(app_label: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in apps.get_app_config(app_label).get_models()]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY(%s) "
                "AND indexname LIKE '%%\\_like' AND indexdef ~ '\\((object_|actor_)?path varchar_pattern_ops\\)'",
                [tables],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return run


def drop_path_like_indexes(app_label: str) -> migrations.RunPython:
    """Drop the `varchar_pattern_ops` copies Django made of the path indexes of an app's
    tables on PostgreSQL (see core.fields.PathField); nothing on SQLite."""
    return migrations.RunPython(_drop_path_like_indexes(app_label), migrations.RunPython.noop, elidable=True)


def _drop_like_index(table: str, column: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                "AND indexname LIKE '%%\\_like' AND indexdef LIKE %s",
                [table, f"%({column} varchar_pattern_ops)"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return run


def drop_like_index(table: str, column: str) -> migrations.RunPython:
    """Drop the `varchar_pattern_ops` copy Django makes of a unique or indexed text column on
    PostgreSQL, where nothing searches the column by prefix; nothing on SQLite."""
    return migrations.RunPython(_drop_like_index(table, column), migrations.RunPython.noop, elidable=True)
