from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.operations.demo.data import DEMO_PASSWORD
from binome.operations.demo.seed import database_is_empty, seed_demo


class Command(BaseCommand):
    help = "Fill an empty database with a deterministic demo dataset and demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="Date the demo is built around (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) when the database already has data."
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Paris at this many times its size: mentors, mentees, duos, people to match (benchmarks: 10).",
        )
        parser.add_argument("--progress", action="store_true", help="Print each step as it starts (with the time).")

    def _print_now(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()  # piped through make, the output is buffered otherwise

    def handle(self, *args: Any, **options: Any) -> None:
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("demo data: database already has data, left untouched")
                return
            raise CommandError("The database already has data; seed_demo only fills an empty database.")
        if options["scale"] < 1:
            raise CommandError("--scale is a whole number of at least 1.")
        if options["progress"]:
            self.stdout.write("demo data: the database is empty, building the demo (about 3 minutes)…")
        self.stdout.flush()
        progress = self._print_now if options["progress"] else None
        report = seed_demo(seed=options["seed"], anchor=options["anchor"], progress=progress, scale=options["scale"])
        self.stdout.write(
            f"demo data: {report.territories} territories, {report.companies} companies, {report.partners} partners, "
            f"{report.mentors} mentors, {report.mentees} mentees, {report.cohorts} cohorts, {report.duos} duos"
        )
        self.stdout.write(f"demo logins (password {DEMO_PASSWORD}):")
        for email, role in report.logins:
            self.stdout.write(f"  {email:32} {role}")
