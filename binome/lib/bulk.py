"""The fast path under the bulk services (`people.services.create_people`, `sourcing.services.
submit_referrals`, `audit.record_many`): rows written straight from dicts.

A 10,000-row import makes about 130,000 rows. `bulk_create` builds a model instance per row and
compiles each value through the SQL compiler: measured with `bench.import_referrals`, the save took
about seven times as long as this, far past the 2,000 rows per second the import must keep (see
the README's benchmarks). So the services that own each kind of record build the rows (their
invariants stay theirs) and hand them here; nothing else should call it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Fields whose database preparation passes a checked Python value through unchanged: their
# values skip it, which is most of the time saved. Exact types only, so a subclass (an encrypted
# text field, a country field) and any field added later take the field's own preparation.
PASSED_THROUGH: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.CharField,
        models.TextField,
        models.EmailField,
        models.BooleanField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.ForeignKey,
        models.OneToOneField,
    }
)
ROWS_PER_STATEMENT = 1000
# The types whose equal values are the same value to a database (not floats: 0.0 == -0.0; not
# Decimals: 1.0 == 1.00; not dicts and lists, which cannot be dictionary keys): a column
# prepares each distinct value of these types once.
REMEMBERED: frozenset[type] = frozenset({str, int, bool, type(None), datetime.date, datetime.datetime})


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, returning: bool = False) -> list[int]:
    """INSERT `rows` (dicts keyed by attname: `person_id`, not `person`); their primary keys back,
    in order, when `returning`. Columns not given take the field's default (auto_now fields: now)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    defaults = _defaults(fields, given=given, now=timezone.now())
    # Prepared column by column: a field sees all its values at once (an encrypted field encrypts
    # them in one batch), and the other fields prepare each distinct value once.
    columns = [_prepare_column(f, _column(rows, f.attname, defaults.get(f.attname), given)) for f in fields]
    prepared = list(zip(*columns, strict=True))

    table = connection.ops.quote_name(str(model._meta.db_table))
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy(cursor, model, table, names, prepared, returning=returning)
        if returning:
            return _insert_returning(cursor, model, table, names, prepared)
        placeholders = "({})".format(", ".join(["%s"] * len(fields)))
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = prepared[start : start + ROWS_PER_STATEMENT]
            # Names from the model's own metadata, quoted by the backend; every value is a parameter.
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {placeholders}", batch)  # nosec B608
    return []


def _column(rows: Sequence[Mapping[str, Any]], attname: str, default: Any, given: set[str]) -> list[Any]:
    if attname not in given:  # a column the rows leave out: its default throughout
        return [default] * len(rows)
    return [row.get(attname, default) for row in rows]


def _prepare_column(field: models.Field[Any, Any], values: list[Any]) -> Sequence[Any]:
    """The database values of one column: passed through, prepared by the field in one batch
    (`get_db_prep_save_many`, as the encrypted text field has), or each distinct value prepared
    once. The last holds because a field's preparation depends on the value alone; a field whose
    output must differ for equal inputs (encryption: a fresh IV each time) has the batch method."""
    if type(field) in PASSED_THROUGH:
        return values
    prepare_many = getattr(field, "get_db_prep_save_many", None)
    if prepare_many is not None:
        return list(prepare_many(values, connection))
    if getattr(field, "encrypted", False):  # never share a ciphertext between rows
        return [field.get_db_prep_save(value, connection) for value in values]
    prepared: list[Any] = []
    seen: dict[tuple[type, Any], Any] = {}
    for value in values:
        kind = type(value)
        if kind not in REMEMBERED:
            prepared.append(field.get_db_prep_save(value, connection))
            continue
        key = (kind, value)  # typed: True and 1 are equal, but not prepared alike
        if key not in seen:
            seen[key] = field.get_db_prep_save(value, connection)
        prepared.append(seen[key])
    return prepared


def _defaults(fields: list[models.Field[Any, Any]], *, given: set[str], now: datetime.datetime) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for field in fields:
        if field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    return defaults


def _copy(
    cursor: Any,
    model: type[models.Model],
    table: str,
    columns: str,
    prepared: list[tuple[Any, ...]],
    *,
    returning: bool,
) -> list[int]:
    """COPY, PostgreSQL's bulk path: several times faster than INSERTs, even pipelined. With
    `returning`, the primary keys are drawn from the table's sequence first, in one query, and
    written with the rows: an INSERT … RETURNING of thousands of rows costs the client more than
    the whole COPY (the driver splits a statement of that many placeholders in Python)."""
    ids: list[int] = []
    pk = model._meta.pk
    if returning:
        if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            return _insert_returning(cursor, model, table, columns, prepared)  # no sequence to draw from
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(prepared)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = f"{connection.ops.quote_name(str(pk.column))}, {columns}"
    # Names from the model's own metadata, quoted by the backend; every value goes through COPY.
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        if returning:
            for pk_value, values in zip(ids, prepared, strict=True):
                copy.write_row((pk_value, *values))
        else:
            for values in prepared:
                copy.write_row(values)
    return ids


def _insert_returning(
    cursor: Any, model: type[models.Model], table: str, columns: str, prepared: list[tuple[Any, ...]]
) -> list[int]:
    width = len(prepared[0])
    placeholders = "({})".format(", ".join(["%s"] * width))
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    per_statement = max(1, min(ROWS_PER_STATEMENT, (connection.features.max_query_params or 60_000) // width))
    ids: list[int] = []
    for start in range(0, len(prepared), per_statement):
        batch = prepared[start : start + per_statement]
        # Names from the model's own metadata, quoted by the backend; every value is a parameter.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(batch))} RETURNING {pk}",  # nosec B608
            [value for row in batch for value in row],
        )
        ids.extend(row[0] for row in cursor.fetchall())
    return ids
