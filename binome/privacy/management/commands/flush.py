"""`flush` (Django's, which test runs call between transactional tests) empties every table, the
audit trail included, which the audit table's triggers refuse (migration 0004). Emptying the whole
database is an owner's operation, so this flush lifts the guard inside its own transaction, as
only the table's owner can: ALTER TABLE ... DISABLE TRIGGER on PostgreSQL (the application's
non-owner role gets "must be owner" and nothing is flushed), dropping the trigger on SQLite. The
guard is back when the transaction ends, whatever happens."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

TABLE = "privacy_auditevent"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        with connection.cursor() as cursor:
            present = TABLE in connection.introspection.table_names(cursor)
        if not present or connection.vendor not in {"postgresql", "sqlite"}:
            super().handle(**options)
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Rows written in this transaction leave deferred foreign-key checks pending, and
                # PostgreSQL alters no table with pending trigger events: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
                super().handle(**options)
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
                return
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _name, sql in triggers:
                cursor.execute(sql)
