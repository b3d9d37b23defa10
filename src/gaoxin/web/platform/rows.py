"""Writing many rows of one model at once, stored exactly as the ORM would store them.

The register's imports, a score run's scores and a ladder run's entries write tens or hundreds of
thousands of rows; ``Model.objects.bulk_create`` spends most of that time in Python (on PostgreSQL,
Django 5.2 sends each column as one array literal, quoted character by character: 29 of the 49 s of
a 10,000-firm ladder run). This is the one way the apps write such rows:

- ``insert_rows(Model, columns, n, progress=None)``: ``columns`` maps field attnames to lists of ``n``
  Python values (or ``Const(value)`` for the same value in every row, or ``Prepared(values)`` already
  in the database's form, such as JSON text); every other concrete column gets
  its field's default. Values are adapted by each field's own ``get_db_prep_save``. On PostgreSQL the
  rows go through ``COPY … FROM STDIN``, elsewhere through ``executemany`` of one prepared ``INSERT``;
  either way ``WRITE_CHUNK`` rows at a time, with ``progress(fraction)`` between chunks. It never
  commits: the caller's transaction holds every chunk, so a failure leaves nothing behind.
- ``part(columns, start, stop)``: rows ``start:stop`` of such columns, for a caller that writes in several
  short transactions (a score run: SQLite has one writer, and progress is written between them).
- ``adapted(field, values)``: the values as the driver receives them (the register's UPDATEs use it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.db import connection, models

WRITE_CHUNK = 5000  # rows per statement (progress is reported between statements)
Progress = Callable[[float], None]


class Prepared(list):
    """Values already in the form the database takes (e.g. JSON text built by Polars for a JSON field):
    written as they are, not through the field's ``get_db_prep_save``."""


class Const:
    """The same value for every row of an insert (a default, the batch id, the time)."""

    def __init__(self, value):
        self.value = value


def part(columns: dict[str, list | Const], start: int, stop: int) -> dict[str, list | Const]:
    """Rows ``start:stop`` of ``columns`` (constants stay constants, prepared values stay prepared)."""
    out: dict[str, list | Const] = {}
    for name, values in columns.items():
        if isinstance(values, Const):
            out[name] = values
        elif isinstance(values, Prepared):
            out[name] = Prepared(values[start:stop])
        else:
            out[name] = values[start:stop]
    return out


def _prep(f):
    """The per-value adapter of a model field, or None where the driver takes the Python value as is.

    Dates, times and JSON go through the field's own ``get_db_prep_save``, each distinct value once:
    dates repeat, and the ``sources`` of new register rows are a few shared dicts (one per pattern of
    empty cells), so JSON values are remembered by identity while the list lives.
    """
    if not isinstance(f, (models.DateField, models.JSONField, models.TimeField)):  # DateTimeField ⊂ DateField
        return None
    cache: dict = {}
    by_identity = isinstance(f, models.JSONField)

    def prep(v):
        key = id(v) if by_identity else v
        try:
            return cache[key]
        except KeyError:
            cache[key] = out = f.get_db_prep_save(v, connection)
            return out

    return prep


def adapted(f, values: list | Const):
    """``values`` as the driver receives them (the list is alive while adapting: identities hold)."""
    if isinstance(values, Const):
        return itertools.repeat(f.get_db_prep_save(values.value, connection))
    if isinstance(values, Prepared):
        return values
    prep = _prep(f)
    return values if prep is None else [prep(v) for v in values]


def insert_rows(model, columns: dict[str, list | Const], n: int, progress: Progress | None = None) -> None:
    """INSERT ``n`` rows of ``model`` (see the module docstring)."""
    if n == 0:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"unknown columns for {model.__name__}: {sorted(unknown)}")
    data = []
    for f in fields:
        values = columns.get(f.attname)
        if values is None:
            values = Const(f.get_default())
        data.append(adapted(f, values))
    qn = connection.ops.quote_name
    table, names = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    rows = zip(*data, strict=False)  # constants are endless; the lists have n items
    done = 0
    with connection.cursor() as cursor:
        while done < n:
            chunk = list(itertools.islice(rows, min(WRITE_CHUNK, n - done)))
            if connection.vendor == "postgresql":
                _copy(cursor, f"COPY {table} ({names}) FROM STDIN", chunk)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", chunk
                )
            done += len(chunk)
            if progress:
                progress(done / n)


def _copy(cursor, sql: str, rows: list) -> None:
    """One COPY of ``rows`` through psycopg (its C row formatter), errors as Django's (IntegrityError …)."""
    with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
