"""`import_referrals FILE --partner SLUG [--dry-run]` and `import_referrals --template FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.organisations.models import Organisation
from binome.sourcing.importing import import_referrals, template_bytes
from binome.sourcing.importing.reading import limits, too_large_message


class Command(BaseCommand):
    help = (
        "Import a partner's referrals from a CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX file. "
        "Nothing is saved unless every row is good. A row matches and updates only people of the partner's "
        "territory. The IMPORT_MAX_* settings limit the file as on the staff page. --template FILE writes the "
        "expected columns (.csv or .xlsx; the XLSX template documents every column)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the spreadsheet to import")
        parser.add_argument("--partner", help="the referring partner's slug, e.g. paris-ngo")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        parser.add_argument("--template", metavar="FILE", help="write the template (.csv or .xlsx) and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            path = Path(options["template"])
            kind = path.suffix.lower().lstrip(".")
            if kind not in {"csv", "xlsx"}:
                raise CommandError("The template file must end in .csv or .xlsx.")
            path.write_bytes(template_bytes(kind))
            self.stdout.write(f"wrote {path}")
            return
        if not options["file"] or not options["partner"]:
            raise CommandError("Give the FILE to import and --partner SLUG (or --template FILE).")
        partner = Organisation.objects.filter(slug=options["partner"]).first()
        if partner is None or not partner.is_partner:
            raise CommandError(f"No partner has the slug {options['partner']!r}.")
        path = Path(options["file"])
        try:
            # The same limits as the staff page, the size first, before a byte is read.
            if path.stat().st_size > limits().max_bytes:
                self.stderr.write(too_large_message(limits().max_bytes))
                self.stderr.write("1 error(s): nothing was saved.")
                raise SystemExit(1)
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Can't read {path}: {error.strerror}") from error
        result = import_referrals(data, path.name, partner=partner, actor=None, dry_run=options["dry_run"])
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem) if problem.line else problem.message)
            self.stderr.write(f"{len(result.errors)} error(s): nothing was saved.")
            raise SystemExit(1)
        prefix = "dry run, nothing saved: would have " if result.dry_run else ""
        self.stdout.write(prefix + result.summary())
