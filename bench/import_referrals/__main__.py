"""Referral import benchmark: `uv run python -m bench.import_referrals [--rows 10000] [--databases sqlite,postgres]`.

Generates a realistic file (CSV with semicolons in Windows-1252, as French Excel saves it, and
XLSX), then imports each into a fresh database of each kind and prints rows per second. Each
database runs in its own subprocess (Django settings are read once per process): SQLite in a
temporary file, PostgreSQL in `binome_bench`, created and dropped here
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/binome_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/binome_bench")


def generate(rows: int, directory: Path) -> dict[str, Path]:
    from bench.import_referrals.setup_django import setup

    setup()
    from binome.sourcing.tests.importing_helpers import csv_bytes, example_row, xlsx_bytes

    data = [example_row(i) for i in range(rows)]
    files = {"csv": directory / "referrals.csv", "xlsx": directory / "referrals.xlsx"}
    files["csv"].write_bytes(csv_bytes(data, delimiter=";", encoding="cp1252"))
    files["xlsx"].write_bytes(xlsx_bytes(data))
    return files


def run_one(database_url: str, files: dict[str, str]) -> dict[str, object]:
    """In a subprocess with DATABASE_URL set: migrate, load reference data, import each file."""
    from bench.import_referrals.setup_django import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    from binome.organisations.models import Organisation
    from binome.people.models import Person
    from binome.reference.services import load_reference_data
    from binome.sourcing.importing import import_referrals
    from binome.sourcing.tests.importing_helpers import ensure_consent_text
    from binome.territories.models import Territory

    call_command("migrate", verbosity=0)
    load_reference_data()
    ensure_consent_text()
    paris = Territory.objects.get_or_create(slug="paris", defaults={"name": "Paris", "centre_id": 2988507})[0]
    figures: dict[str, object] = {"vendor": connection.vendor}
    for kind, path in files.items():
        partner = Organisation.objects.create(name=f"Bench {kind}", slug=f"bench-{kind}", kind="ngo", territory=paris)
        data = Path(path).read_bytes()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = import_referrals(data, Path(path).name, partner=partner, actor=None)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert result.ok, result.errors[:5]
        start_again = time.perf_counter()
        again = import_referrals(data, Path(path).name, partner=partner, actor=None)
        seconds_again = time.perf_counter() - start_again
        figures[kind] = {
            "rows": result.created,
            "seconds": round(seconds, 2),
            "rows_per_second": round(result.created / seconds),
            # Python's own CPU time: on a busy machine wall time says more about the neighbours.
            "cpu_rows_per_second": round(result.created / cpu),
            "reimport_summary": again.summary(),
            "reimport_rows_per_second": round(again.skipped / seconds_again),
        }
        # The next file is a different partner's: the same people, so clear them to time creation again.
        Person.objects.filter(referrals__partner=partner).delete()
    return figures


def postgres_admin(statement: str) -> None:
    import psycopg

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(statement.format(name=name))


def in_subprocess(database_url: str, files: dict[str, Path]) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": database_url}
    args = [sys.executable, "-m", "bench.import_referrals", "--one", json.dumps({k: str(v) for k, v in files.items()})]
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(os.environ["DATABASE_URL"], json.loads(args.one))))
        return
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        files = generate(args.rows, Path(directory))
        sizes = {kind: path.stat().st_size // 1024 for kind, path in files.items()}
        print(
            f"generated {args.rows} rows in {time.perf_counter() - started:.1f}s: "
            f"CSV {sizes['csv']} KB (Windows-1252, semicolons), XLSX {sizes['xlsx']} KB; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for database in args.databases.split(","):
            if database == "sqlite":
                figures = in_subprocess(f"sqlite:///{directory}/bench.sqlite3", files)
            elif database == "postgres":
                try:
                    postgres_admin('DROP DATABASE IF EXISTS "{name}"')
                    postgres_admin('CREATE DATABASE "{name}"')
                except Exception as error:  # no server: say so, and still report SQLite
                    print(f"postgres: skipped ({error.__class__.__name__}: {error})")
                    continue
                try:
                    figures = in_subprocess(POSTGRES_URL, files)
                finally:
                    postgres_admin('DROP DATABASE IF EXISTS "{name}"')
            else:
                parser.error(f"unknown database {database!r}")
            for kind in ("csv", "xlsx"):
                f = figures[kind]
                assert isinstance(f, dict)
                print(
                    f"{database:8} {kind:4} {f['rows']} rows in {f['seconds']}s = {f['rows_per_second']} rows/s"
                    f" (Python CPU alone: {f['cpu_rows_per_second']} rows/s)"
                    f" (re-import: {f['reimport_summary']}, {f['reimport_rows_per_second']} rows/s)"
                )


if __name__ == "__main__":
    main()
