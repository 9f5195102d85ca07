from typing import Any

from django.core.management.base import BaseCommand

from binome.reference.services import load_reference_data


class Command(BaseCommand):
    help = "Load ROME occupations, NAF sectors, French places and languages from the shipped files."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_reference_data()
        self.stdout.write(
            f"reference data: {report.occupations} occupations, {report.sectors} sectors, "
            f"{report.places} places, {report.languages} languages"
        )
