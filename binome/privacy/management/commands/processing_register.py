"""Print the processing register (GDPR art. 30) from the data inventory."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from binome.privacy import register


class Command(BaseCommand):
    help = "Print the processing register built from binome/privacy/inventory.py (Markdown or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["md", "csv"], default="md")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            text = register.as_csv() if options["format"] == "csv" else register.as_markdown()
        self.stdout.write(text, ending="")
