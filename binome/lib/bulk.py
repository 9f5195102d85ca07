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


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, returning: bool = False) -> list[int]:
    """INSERT `rows` (dicts keyed by attname: `person_id`, not `person`); their primary keys back,
    in order, when `returning`. Columns not given take the field's default (auto_now fields: now)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = _defaults(fields, given=set(rows[0]), now=timezone.now())
    prepare = [None if type(f) in PASSED_THROUGH else f for f in fields]

    def values(row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            (f.get_db_prep_save(value, connection) if f else value)
            for f, value in zip(prepare, (row.get(f.attname, defaults.get(f.attname)) for f in fields), strict=True)
        )

    table = connection.ops.quote_name(str(model._meta.db_table))
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if returning:
            return _insert_returning(cursor, model, table, columns, [values(r) for r in rows])
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: several times faster than INSERTs, even pipelined.
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
            return []
        placeholders = "({})".format(", ".join(["%s"] * len(fields)))
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = [values(r) for r in rows[start : start + ROWS_PER_STATEMENT]]
            # Names from the model's own metadata, quoted by the backend; every value is a parameter.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", batch)  # nosec B608
    return []


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
