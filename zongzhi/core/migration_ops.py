"""Operations shared by migrations of several apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast


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


class MoveModels(migrations.operations.base.Operation):
    """Models that move from another app into this one with their tables: Django's record of
    them (the migration state) moves, with every relation to them; the database does not
    change. The tables keep their names (`db_table` is pinned to the old one).

    Django moves a model with a CreateModel in the new app and a DeleteModel in the old one,
    each wrapped in SeparateDatabaseAndState, and an AlterField in every app that points at
    it: the models written out again, field by field. This reads them from the state instead.
    A migration using it must depend on the last migration of every app that refers to the
    moved models, so that those references exist when it runs.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, from_app: str, names: list[str]) -> None:
        self.from_app = from_app
        self.names = names

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.from_app, self.names], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        from django.db.migrations.utils import get_references  # type: ignore[attr-defined]

        moved = [(self.from_app, name.lower()) for name in self.names]
        for old_app, name in moved:
            model = state.models[old_app, name].clone()
            model.app_label = app_label
            model.options["db_table"] = model.options.get("db_table") or f"{old_app}_{name}"
            state.models[app_label, name] = model
        changed: set[tuple[str, str]] = set()
        for old_app, name in moved:
            target = f"{app_label}.{state.models[app_label, name].name}"
            for model_state, field_name, field, reference in list(get_references(state, (old_app, name))):
                if not (reference.to or reference.through):
                    continue
                clone = field.clone()
                if reference.to:
                    clone.remote_field.model = target
                if reference.through:
                    clone.remote_field.through = target
                model_state.fields[field_name] = clone
                changed.add((model_state.app_label, model_state.name_lower))
        state._relations = None  # worked out again from the models when next asked
        for old_app, name in moved:
            state.remove_model(old_app, name)
        state.reload_models(
            [key for key in changed if key in state.models] + [(app_label, n) for _, n in moved], delay=True
        )

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass

    def describe(self) -> str:
        return f"Move {', '.join(self.names)} from {self.from_app} (same tables)"


def creators_from_audit(models: list[tuple[str, str]]) -> migrations.RunPython:
    """A migration step filling `created_by` of the rows registered from the phone before the
    field existed (a client id, no creator), from the audit log's "create" change row (its
    object type "registry.<model>"), so that a resend still finds them its creator's
    (core.clientids). Rows without such an entry keep no creator."""

    def run(apps: Any, schema_editor: Any) -> None:
        log = apps.get_model("audit", "AuditLog")
        for app_label, name in models:
            model = apps.get_model(app_label, name)
            creator = log.objects.filter(
                layer="change",
                action="create",
                object_type=f"registry.{name.lower()}",
                object_id=Cast(OuterRef("pk"), CharField()),
            ).values("user_id")[:1]
            # one statement a table, however many rows came from phones
            model.objects.filter(client_id__isnull=False, created_by__isnull=True).update(
                created_by_id=Subquery(creator)
            )

    return migrations.RunPython(run, migrations.RunPython.noop)
