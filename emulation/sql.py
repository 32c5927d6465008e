"""Hand-written SQL: queries that cost Django more to build and compile on every request than
the database takes to run them are written once, from the models' table and column names, and
their values read back as the ORM would read them.

`Columns` selects some fields of a model and makes the model instance of a row; `reader` converts
one field's value (SQLite gives dates and times as text); `marks` and `fetch` write and run the
query. Totals and ranks stay in SQL, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.base import DEFERRED


def reader(field: Field[Any, Any], alias: str | None = None) -> Callable[[Any], Any]:
    """The field's value as the ORM reads it from what the driver gives: the database's
    converters, then the field's own (for the connection in use when this is called)."""
    column = field.get_col(alias) if alias else field.cached_col
    converters = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]

    def read(value: Any) -> Any:
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return read


class Columns:
    """Some fields of a model as a hand-written query selects them, and the model instance that a
    row's values make.

    `sql` lists the columns under the table's alias. `instance` converts each value as the ORM
    would (SQLite's dates and booleans, JSON) and leaves the fields not selected deferred, so
    that code reading one of them costs a query (which the query-count tests see) rather than
    reading a wrong value."""

    def __init__(self, model: type[Model], alias: str, *names: str) -> None:
        meta = model._meta
        concrete = list(meta.concrete_fields)
        self.model = model
        self.alias = alias
        self.fields = [meta.get_field(name) for name in names]
        self.names = [f.attname for f in self.fields]  # type: ignore[union-attr]
        self.slots = [concrete.index(f) for f in self.fields]  # type: ignore[arg-type]
        self.size = len(concrete)
        self.width = len(self.fields)
        self.sql = ", ".join(f'{alias}."{f.column}"' for f in self.fields)  # type: ignore[union-attr]
        self._readers: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}

    def readers(self) -> list[tuple[int, Callable[[Any], Any]]]:
        """Per selected field: its slot among the model's fields and how its value is read from
        this database (worked out once per kind of database)."""
        found = self._readers.get(connection.vendor)
        if found is None:
            found = [
                (slot, reader(f, self.alias))  # type: ignore[arg-type]
                for slot, f in zip(self.slots, self.fields, strict=True)
            ]
            self._readers[connection.vendor] = found
        return found

    def instance(self, row: Sequence[Any], start: int = 0) -> Any:
        """The instance made of `row[start:start + width]`."""
        values: list[Any] = [DEFERRED] * self.size
        for (slot, read), value in zip(
            self.readers(), row[start : start + self.width], strict=True
        ):
            values[slot] = read(value)
        return self.model.from_db(connection.alias, self.names, values)


def marks(values: Iterable[Any]) -> str:
    """`%s, %s, ...`, one per value, for `IN (...)`."""
    return ", ".join("%s" for _ in values)


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one query, as the database driver gives them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
