"""Operations shared by migrations of several apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _drop_like_indexes(tables: Any, definition: str) -> Any:
    """A migration step dropping, on PostgreSQL, the `_like` indexes of `tables` (a list, or a
    function of the migration's apps) whose definition matches the regular expression."""

    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        names = tables(apps) if callable(tables) else tables
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY(%s) "
                "AND indexname LIKE '%%\\_like' AND indexdef ~ %s",
                [names, definition],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return run


def drop_path_like_indexes(app_label: str) -> migrations.RunPython:
    """Drop the `varchar_pattern_ops` copies Django made of the path indexes of an app's
    tables on PostgreSQL (see core.fields.PathField); nothing on SQLite."""
    run = _drop_like_indexes(
        lambda apps: [m._meta.db_table for m in apps.get_app_config(app_label).get_models()],
        r"\((object_|actor_)?path varchar_pattern_ops\)",
    )
    return migrations.RunPython(run, migrations.RunPython.noop, elidable=True)


def drop_like_index(table: str, column: str) -> migrations.RunPython:
    """Drop the `varchar_pattern_ops` copy Django makes of a unique or indexed text column on
    PostgreSQL, where nothing searches the column by prefix; nothing on SQLite."""
    run = _drop_like_indexes([table], rf"\({column} varchar_pattern_ops\)$")
    return migrations.RunPython(run, migrations.RunPython.noop, elidable=True)
