from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.operations.backups import restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup in FILE (made by `backup`). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, file: Path, yes: bool, **options: Any) -> None:
        if not yes and input(f"Replace the whole database with {file}? Type 'yes': ").strip() != "yes":
            raise CommandError("Restore cancelled.")
        restore(file)
        self.stdout.write(f"database restored from {file}")
