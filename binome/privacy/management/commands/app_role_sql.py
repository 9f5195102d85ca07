"""Print the SQL that gives the application its own PostgreSQL role, one that owns nothing.

The audit trail's triggers (privacy migration 0004) refuse UPDATE, TRUNCATE and any DELETE of a
row younger than its retention age, but a table's owner can disable a trigger, so the web app and
the worker must not connect as the owner. The owner role runs `migrate`; the app role reads and
writes rows only:

    uv run python manage.py app_role_sql binome_app --owner binome_owner | psql -U binome_owner binome
    psql -U binome_owner binome -c '\\password binome_app'

then DATABASE_URL=postgres://binome_app:…@host/binome for the web app and the worker, and the owner's
URL only when running `migrate` and `restore`. Once is enough: the default privileges cover the
tables that later migrations create.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_sql(*, role: str, owner: str, database: str, create: bool = True) -> str:
    for name in (role, owner, database):
        if not IDENTIFIER.match(name):
            raise ValueError(f"{name!r} is not a plain PostgreSQL name (lower-case letters, digits, _)")
    lines = [
        f"-- Run as {owner}, the role that owns the tables and runs the migrations.",
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;" if create else "",
        f"GRANT CONNECT ON DATABASE {database} TO {role};",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role};",
        # Rows only: no TRUNCATE, REFERENCES or TRIGGER privilege, and owning nothing it cannot
        # ALTER a table (so it cannot disable the audit trail's triggers).
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};",
        # The audit trail is written, never rewritten (its trigger refuses UPDATE too).
        f"REVOKE UPDATE ON privacy_auditevent FROM {role};",
    ]
    return "\n".join(line for line in lines if line) + "\n"


class Command(BaseCommand):
    help = "Print the SQL creating the application's PostgreSQL role (rows only, owns nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role, e.g. binome_app")
        parser.add_argument(
            "--owner", help="the role that owns the tables and runs migrations (default: DATABASE_URL's)"
        )
        parser.add_argument("--database", help="the database name (default: DATABASE_URL's)")
        parser.add_argument("--no-create", action="store_true", help="the role exists already: grants only")

    def handle(self, *args: Any, **options: Any) -> None:
        settings_dict = connection.settings_dict
        try:
            sql = app_role_sql(
                role=options["role"],
                owner=options["owner"] or settings_dict.get("USER") or "",
                database=options["database"] or settings_dict.get("NAME") or "",
                create=not options["no_create"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(sql, ending="")
