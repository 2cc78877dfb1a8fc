"""Set-based inserts for imports of tens of thousands of rows: one COPY on PostgreSQL, one executemany on
SQLite, with values converted once per column instead of Django's per-value compilation in ``bulk_create``.
Database constraints still apply; model ``save()``, signals and auto_now do not (the caller sets every value)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a column's Python values become the driver's; None when they go as they are."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return _memo(lambda v: None if v is None else ops.adapt_datetimefield_value(v))
    if isinstance(field, models.DateField):
        return _memo(lambda v: None if v is None else ops.adapt_datefield_value(v))
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(field, models.DecimalField) and connection.vendor == "sqlite":
        return lambda v: None if v is None else str(v)
    return None


def _memo(convert: Callable[[Any], Any], size: int = 65_536) -> Callable[[Any], Any]:
    """``convert`` remembering its recent results: dates and timestamps repeat across the rows of a load (a day,
    a morning's report times), and adapting an aware datetime for SQLite costs a time-zone conversion each."""
    cache: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            if len(cache) >= size:
                cache.clear()
            out = cache[value] = convert(value)
            return out

    return remembered


def _prepared(columns: Sequence[models.Field], connection: Any, rows: Iterable[Sequence[Any]],
              extra: int = 0) -> Iterator[Sequence[Any]]:
    """The rows with each converted column converted (the others passed through untouched); ``extra`` trailing
    values per row (a primary key) go as they are. A row of the wrong length is an error."""
    width = len(columns) + extra
    convert = [(i, f) for i, c in enumerate(columns) if (f := _converter(c, connection)) is not None]
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row has {len(row)} values for {width} columns")
        if convert:
            row = list(row)
            for i, f in convert:
                row[i] = f(row[i])
        yield row


def _field(meta: Any, name: str) -> models.Field:
    """A field by name, or a foreign key by its attribute name (``project_id``)."""
    for field in meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise LookupError(f"{meta.label} has no column {name}")


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (Python values in ``fields`` order; foreign keys as ids, e.g. ``project_id``)."""
    connection = connections[model.objects.db]
    meta = model._meta
    columns = [_field(meta, f) for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    table = quote(meta.db_table)
    prepared = _prepared(columns, connection, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608


ANALYZE_AFTER_ROWS = 5000


def analyze_if_large(model: type[models.Model], rows: int) -> None:
    """After a large insert, refresh PostgreSQL's planner statistics of the table (autovacuum would, a little
    later): a freshly filled table otherwise gets plans made for an empty one. Allowed inside a transaction."""
    connection = connections[model.objects.db]
    if connection.vendor == "postgresql" and rows >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def update(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
           increment: Sequence[str] = ()) -> None:
    """Set ``fields`` of many rows: each row is the new values in ``fields`` order followed by the primary key;
    ``increment`` columns go up by one (a version). Callers group rows by the fields that changed, so only those
    columns are written. PostgreSQL: the rows are copied into a temporary table and applied by one
    UPDATE … FROM (one statement instead of one per row); SQLite: one prepared UPDATE run with executemany."""
    connection = connections[model.objects.db]
    meta = model._meta
    columns = [_field(meta, f) for f in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    bumps = [quote(_field(meta, f).column) for f in increment]
    prepared = _prepared(columns, connection, rows, extra=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [quote(c.column) for c in columns]
            temp = quote(f"bulk_update_{meta.db_table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608 - names from the model
                           f"SELECT {', '.join(names)}, {pk} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {temp} ({', '.join(names)}, {pk}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
            sets = [f"{n} = s.{n}" for n in names] + [f"{b} = t.{b} + 1" for b in bumps]
            cursor.execute(f"UPDATE {table} AS t SET {', '.join(sets)} FROM {temp} AS s "  # noqa: S608
                           f"WHERE t.{pk} = s.{pk}")
            cursor.execute(f"DROP TABLE {temp}")
        else:
            sets = [f"{quote(c.column)} = %s" for c in columns] + [f"{b} = {b} + 1" for b in bumps]
            cursor.executemany(f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s", prepared)  # noqa: S608
