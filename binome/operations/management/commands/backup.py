from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from binome.operations.backups import backup


class Command(BaseCommand):
    help = "Write a full backup of the database to FILE (pg_dump custom format on PostgreSQL, a copy on SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        backup(file)
        self.stdout.write(f"backup written to {file} ({file.stat().st_size:,} bytes)")
