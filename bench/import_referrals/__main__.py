"""Referral import benchmark: `uv run python -m bench.import_referrals [--rows 10000] [--rounds 3]
[--databases sqlite,postgres]`.

Generates a realistic file (CSV with semicolons in Windows-1252, as French Excel saves it, and
XLSX), then imports each into a fresh database of each kind, under production settings (DEBUG=0,
DEMO_MODE=0, real FIELD_ENCRYPTION_KEYS: what an operator's `import_referrals` runs with). Each
database runs in its own subprocess (Django settings are read once per process): SQLite in a
temporary file, PostgreSQL in `binome_bench`, created and dropped here
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/binome_bench).

The machine is shared, so one absolute time says little. Beside each import it prints a
reference measured in the same process and the same rounds: parsing the same file alone (the
standard library's CSV reader on the decoded text; calamine reading the workbook's first sheet),
and the ratio of the two. Each figure is the best of `--rounds` rounds, the reference and the
import interleaved, counted twice: per CPU second (this process, plus PostgreSQL's server
process for the connection, read from /proc), which is what the work costs whatever else runs,
and per wall second, which is what this run waited. The goal, 2,000 rows per second, is judged
on the first: on a quiet machine the wall time is that CPU time plus a commit's few
milliseconds, and on a loaded one the wall time mostly measures the neighbours (the load
average is printed). The exit status is 1 when a file misses the goal.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/binome_bench")
GOAL_ROWS_PER_SECOND = 2_000
HEADER = (
    "                  --- per CPU second ---   ------ per wall second ------\n"
    "database format    import reference   ratio  import reference   ratio   goal 2,000 rows per CPU second"
)
KINDS = ("csv", "xlsx")


def production_environment() -> dict[str, str]:
    """The settings a production import runs with (config/settings.py refuses DEBUG=0 without a
    real SECRET_KEY and ALLOWED_HOSTS); keys and secret are fresh, so no real one is needed."""
    from cryptography.fernet import Fernet

    return {
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def generate(rows: int, directory: Path) -> dict[str, Path]:
    from bench.import_referrals.setup_django import setup

    setup()
    from binome.sourcing.tests.importing_helpers import csv_bytes, example_row, xlsx_bytes

    data = [example_row(i) for i in range(rows)]
    files = {"csv": directory / "referrals.csv", "xlsx": directory / "referrals.xlsx"}
    files["csv"].write_bytes(csv_bytes(data, delimiter=";", encoding="cp1252"))
    files["xlsx"].write_bytes(xlsx_bytes(data))
    return files


def parse_alone(kind: str, data: bytes) -> int:
    """The reference: the same file parsed by the library under the importer's reader, nothing
    else (no checks, no database). Returns the number of data rows."""
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";"))
    else:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    return len(rows) - 1  # the header


class ServerClock:
    """CPU seconds PostgreSQL's server process spent for this connection (from /proc: the bench
    runs the server on this machine), or None where it cannot be read (SQLite runs in-process)."""

    def __init__(self) -> None:
        from django.db import connection

        self.path: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                path = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            self.path = path if path.exists() else None

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        fields = self.path.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_one(files: dict[str, str], rounds: int) -> dict[str, Any]:
    """In a subprocess with DATABASE_URL set: migrate, load reference data, then per round and
    per file: the reference parse, the import, the same file again (every row skipped)."""
    from bench.import_referrals.setup_django import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from binome.organisations.models import Organisation
    from binome.people.models import Person
    from binome.reference.services import load_reference_data
    from binome.sourcing.importing import import_referrals
    from binome.sourcing.tests.importing_helpers import ensure_consent_text
    from binome.territories.models import Territory

    assert not settings.DEBUG, "the benchmark measures production settings"
    call_command("migrate", verbosity=0)
    load_reference_data()
    ensure_consent_text()
    paris = Territory.objects.get_or_create(slug="paris", defaults={"name": "Paris", "centre_id": 2988507})[0]
    partners = {
        kind: Organisation.objects.create(name=f"Bench {kind}", slug=f"bench-{kind}", kind="ngo", territory=paris)
        for kind in KINDS
    }
    server = ServerClock()
    figures: dict[str, Any] = {"vendor": connection.vendor, "server_cpu": server.path is not None}
    for kind in KINDS:
        figures[kind] = {"reference": [], "import": [], "reimport": []}
    for _round in range(rounds):
        for kind, path in files.items():
            data = Path(path).read_bytes()
            out = figures[kind]
            start, cpu = time.perf_counter(), time.process_time()
            parsed = parse_alone(kind, data)
            out["reference"].append(
                {"rows": parsed, "wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}
            )

            start, cpu, server_cpu = time.perf_counter(), time.process_time(), server.seconds()
            result = import_referrals(data, Path(path).name, partner=partners[kind], actor=None)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            server_after = server.seconds()
            assert result.ok, result.errors[:5]
            assert result.created == parsed, (result.summary(), parsed)
            server_seconds = None if server_cpu is None or server_after is None else server_after - server_cpu
            out["import"].append(
                {
                    "rows": result.created,
                    "wall": seconds,
                    "cpu": cpu + (server_seconds or 0),  # the client's, and the server's when it has one
                    "server_cpu": server_seconds,
                }
            )
            start, cpu, server_cpu = time.perf_counter(), time.process_time(), server.seconds()
            again = import_referrals(data, Path(path).name, partner=partners[kind], actor=None)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            server_after = server.seconds()
            server_seconds = None if server_cpu is None or server_after is None else server_after - server_cpu
            out["reimport"].append({"rows": again.skipped, "wall": seconds, "cpu": cpu + (server_seconds or 0)})
            assert again.skipped == parsed, again.summary()
            # The next round imports the same people again: clear them to time creation again.
            Person.objects.filter(referrals__partner=partners[kind]).delete()
    return figures


def postgres_admin(statement: str) -> None:
    import psycopg

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(statement.format(name=name))


def in_subprocess(database_url: str, files: dict[str, Path], rounds: int, env: dict[str, str]) -> dict[str, Any]:
    child_env = {**os.environ, **env, "DATABASE_URL": database_url}
    one = json.dumps({"files": {k: str(v) for k, v in files.items()}, "rounds": rounds})
    args = [sys.executable, "-m", "bench.import_referrals", "--one", one]
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=child_env)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def best(measures: list[dict[str, Any]], seconds: str) -> tuple[float, dict[str, Any]]:
    """The best round's rows per second counted in `seconds` ("wall" or "cpu"), and that round."""
    round_ = min(measures, key=lambda m: m[seconds] / max(m["rows"], 1))
    return round_["rows"] / round_[seconds], round_


def report(database: str, figures: dict[str, Any]) -> list[bool]:
    """One line per file: the import beside its reference, in CPU seconds (what the work costs,
    whatever the neighbours do) and in wall seconds (what this run waited)."""
    passed = []
    for kind in KINDS:
        f = figures[kind]
        rate, cpu_round = best(f["import"], "cpu")
        wall, _ = best(f["import"], "wall")
        reference, _ = best(f["reference"], "cpu")
        reference_wall, _ = best(f["reference"], "wall")
        reimport, _ = best(f["reimport"], "cpu")
        ok = rate >= GOAL_ROWS_PER_SECOND
        passed.append(ok)
        server = "" if cpu_round["server_cpu"] is None else f" (of which PostgreSQL {cpu_round['server_cpu']:.2f}s)"
        print(
            f"{database:8} {kind:4} {rate:7.0f} {reference:9.0f} {rate / reference:7.3f}"
            f" {wall:7.0f} {reference_wall:9.0f} {wall / reference_wall:7.3f}"
            f"   {'PASS' if ok else 'FAIL'}   {cpu_round['rows']} rows in {cpu_round['cpu']:.2f} CPU s{server};"
            f" the same file again (every row skipped): {reimport:.0f} rows per CPU second"
        )
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per file and database; the best is shown")
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one = json.loads(args.one)
        print(json.dumps(run_one(one["files"], one["rounds"])))
        return
    env = production_environment()
    os.environ.update(env)
    passed: list[bool] = []
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        files = generate(args.rows, Path(directory))
        sizes = {kind: path.stat().st_size // 1024 for kind, path in files.items()}
        print(
            f"generated {args.rows} rows in {time.perf_counter() - started:.1f}s: "
            f"CSV {sizes['csv']} KB (Windows-1252, semicolons), XLSX {sizes['xlsx']} KB; "
            f"production settings (DEBUG=0, FIELD_ENCRYPTION_KEYS set); best of {args.rounds} rounds; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        for database in args.databases.split(","):
            if database == "sqlite":
                figures = in_subprocess(f"sqlite:///{directory}/bench.sqlite3", files, args.rounds, env)
            elif database == "postgres":
                try:
                    postgres_admin('DROP DATABASE IF EXISTS "{name}"')
                    postgres_admin('CREATE DATABASE "{name}"')
                except Exception as error:  # no server: say so, and still report SQLite
                    print(f"postgres: skipped ({error.__class__.__name__}: {error})")
                    continue
                try:
                    figures = in_subprocess(POSTGRES_URL, files, args.rounds, env)
                finally:
                    postgres_admin('DROP DATABASE IF EXISTS "{name}"')
            else:
                parser.error(f"unknown database {database!r}")
            if not passed:
                print(HEADER)
            passed += report(database, figures)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if not all(passed):
        sys.exit(1)


if __name__ == "__main__":
    main()
