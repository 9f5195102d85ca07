"""Apply the retention policy now, or (--dry-run) print what it would anonymise and delete."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.privacy import retention


class Command(BaseCommand):
    help = (
        "Anonymise files past their retention period, delete old audit events and finished task records"
        " (run_daily calls it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from error
        if options["dry_run"]:
            self.stdout.write(retention.plan(today).report())
            self.stdout.write("Dry run: nothing changed.")
            return
        result = retention.apply(today)
        self.stdout.write(result.report())
        self.stdout.write(
            f"Anonymised {result.people_count} file(s), deleted {result.audit_events} audit event(s)"
            f" and {result.finished_tasks} finished task record(s)."
        )
