"""Coordinator pages at scale: `uv run python -m bench.attention [--duos 2000] [--meetings 50000]`.

Builds one territory with 2,000 duos and 50,000 meetings in a fresh PostgreSQL database
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/binome_bench_attention,
created and dropped here; `--database sqlite` uses a temporary SQLite file instead), runs
the engagement rules, then requests the "needs attention" page and the territory
dashboard as the coordinator: prints the number of SQL queries and the median / worst
response time over `--repeat` requests. Runs in a subprocess so Django reads DATABASE_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/binome_bench_attention")


def build(duos: int, meetings: int) -> None:
    from django.utils import timezone

    from binome.accounts.models import Role, User
    from binome.cohorts.models import Cohort
    from binome.meetings.models import Meeting
    from binome.organisations.models import Organisation
    from binome.pairing.models import Duo
    from binome.people.models import MenteeProfile, MentorProfile, Person
    from binome.territories.models import Territory

    rng = random.Random(0)
    today = date.today()
    now = timezone.now()
    paris = Territory.objects.create(name="Paris", slug="paris", centre_id=2988507)
    company = Organisation.objects.create(name="Acme", slug="acme", kind="company", territory=paris)
    cohort = Cohort.objects.create(
        territory=paris, name="Bench", starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=60)
    )
    people = Person.objects.bulk_create(
        [
            Person(first_name=f"P{k}", last_name="Bench", territory=paris, name_key=f"bench p{k}")
            for k in range(duos + duos // 2)
        ]
    )
    mentors = MentorProfile.objects.bulk_create(
        [
            MentorProfile(person=p, company=company, job_title="Dev", occupation_id="M1805", capacity=2)
            for p in people[: duos // 2]
        ]
    )
    mentees = MenteeProfile.objects.bulk_create(
        [MenteeProfile(person=p, protection_status="refugee", french_level="B1") for p in people[duos // 2 :]]
    )
    duo_rows = Duo.objects.bulk_create(
        [
            Duo(
                cohort=cohort,
                mentor=mentors[k // 2],
                mentee=mentees[k],
                started_on=cohort.starts_on + timedelta(days=7),
            )
            for k in range(duos)
        ]
    )
    batch = []
    for _ in range(meetings):
        duo = rng.choice(duo_rows)
        # Some duos stop meeting early: they become "silent" and raise alerts.
        day = duo.started_on + timedelta(days=rng.randint(3, 110 if duo.pk % 10 else 40))
        batch.append(
            Meeting(
                duo=duo,
                held_on=day,
                duration_minutes=60,
                mode="video",
                topics=["cv"],
                recorded_as="mentee",
                confirmed_at=None if rng.random() < 0.1 else now,
            )
        )
    Meeting.objects.bulk_create(batch, batch_size=5000)
    user = User.objects.create_user(email="coord@bench.test", password="bench-password-1234")
    Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, territory=paris)


def run_one(duos: int, meetings: int, repeat: int) -> dict[str, object]:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from binome.accounts.models import User
    from binome.meetings import engagement
    from binome.meetings.models import Alert
    from binome.reference.services import load_reference_data

    call_command("migrate", verbosity=0)
    load_reference_data()
    started = time.perf_counter()
    build(duos, meetings)
    built = time.perf_counter() - started
    started = time.perf_counter()
    evaluation = engagement.evaluate()
    evaluated = time.perf_counter() - started
    client = Client()
    client.force_login(User.objects.get(email="coord@bench.test"))
    figures: dict[str, object] = {
        "vendor": connection.vendor,
        "build_seconds": round(built, 1),
        "evaluate_seconds": round(evaluated, 2),
        "alerts": Alert.objects.filter(status="open").count(),
        "raised": len(evaluation.raised),
    }
    for name, url in (("attention", "/staff/attention/"), ("dashboard", "/staff/territories/paris/")):
        times = []
        reset_queries()  # the log is a bounded deque: start it empty, or a full one counts 0
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        figures[name] = {
            "queries": len(queries.captured_queries),
            "median_ms": round(1000 * statistics.median(times)),
            "max_ms": round(1000 * max(times)),
            "bytes": len(response.content),
        }
    return figures


def postgres_admin(statement: str) -> None:
    import psycopg

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(statement.format(name=name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duos", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.duos, args.meetings, args.repeat)))
        return
    command = [sys.executable, "-m", "bench.attention", "--one", "--duos", str(args.duos)]
    command += ["--meetings", str(args.meetings), "--repeat", str(args.repeat)]
    with tempfile.TemporaryDirectory() as directory:
        if args.database == "postgres":
            postgres_admin('DROP DATABASE IF EXISTS "{name}"')
            postgres_admin('CREATE DATABASE "{name}"')
            url = POSTGRES_URL
        else:
            url = f"sqlite:///{directory}/bench.sqlite3"
        try:
            out = subprocess.run(
                command, check=True, capture_output=True, text=True, env={**os.environ, "DATABASE_URL": url}
            )
        finally:
            if args.database == "postgres":
                postgres_admin('DROP DATABASE IF EXISTS "{name}"')
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"{figures['vendor']}: {args.duos} duos, {args.meetings} meetings built in {figures['build_seconds']}s;"
        f" engagement rules over all duos {figures['evaluate_seconds']}s, {figures['alerts']} open alerts;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    for name in ("attention", "dashboard"):
        page = figures[name]
        print(
            f"  {name:10} {page['queries']:>3} queries  median {page['median_ms']:>5} ms  worst {page['max_ms']:>5} ms"
            f"  ({page['bytes'] // 1024} KB)"
        )


if __name__ == "__main__":
    main()
