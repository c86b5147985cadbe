"""Model fields shared by all apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class PathField(models.CharField):  # type: ignore[type-arg]
    """The significant code prefix of a unit ("320111003").

    On PostgreSQL the column uses the "C" collation, so a range test on it (`path >= '3201'
    AND path < '3202'`) is answered from a plain b-tree index. SQLite's default BINARY collation
    already compares byte-wise.

    The type is spelt `character varying(n)` (the same type as `varchar(n)`): Django adds a
    second, `varchar_pattern_ops` index to every indexed column whose type it sees starting
    with "varchar", for LIKE under other collations. Under "C" the plain index already serves
    prefixes, so that second index would only cost every insert of a case, an audit entry or
    a record (migrations `*_path_single_index` drop the ones made before).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 15)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return f"character varying({self.max_length})"
        return super().db_type(connection)

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def limit_of(model: type[models.Model], name: str) -> int:
    """The longest text a model's column holds: the one declaration of a field's limit, which
    the API schemas (`Field(max_length=limit_of(Model, "name"))`), and through the OpenAPI the
    front end's `src/api/limits.ts`, the validators and the import read."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length, name
    return field.max_length
