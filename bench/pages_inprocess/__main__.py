"""The listed pages, in process: `uv run python -m bench.pages_inprocess [--repeat 20] [--rounds 3]`.

Requests sign-in, the coordinator dashboard, the people list, a mentee's file, the impact dashboard
and the mentee home through Django's test client (the whole middleware stack, production settings:
DEBUG=0, cached template loader, manifest static files) on the demo data (`seed_demo --seed 7
--anchor 2026-11-02`, built once in BENCH_PAGES_URL, default
postgres://postgres@127.0.0.1:5432/binome_bench_pages, kept for the next run; `--fresh` rebuilds it).
Beside each page it measures, interleaved in the same rounds, a bare "hello" view served by the
same stack, and prints the ratio bare / page (1.0 would be bare Django's speed): absolute times on
a loaded machine lie, the ratio much less. It also prints the SQL queries and the Python function
calls of one request: counts that the machine's load does not move, to compare two versions.
`--profile NAME` prints the cProfile of one page instead.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import hashlib
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

POSTGRES_URL = os.environ.get("BENCH_PAGES_URL", "postgres://postgres@127.0.0.1:5432/binome_bench_pages")
# The demo's fields are encrypted with the development key (derived from the development secret):
# production settings get that key explicitly, so the seeded data stays readable.
DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
PAGES = ["bare", "sign-in", "coordinator dashboard", "people list", "mentee's file", "impact dashboard", "mentee home"]


def production_environment(url: str) -> None:
    digest = hashlib.sha256(b"binome-field-encryption|" + DEV_SECRET.encode()).digest()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "SECRET_KEY": "bench-pages-" + "x" * 60,
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(digest).decode(),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
        }
    )


def postgres_admin(statement: str) -> bool:
    import psycopg

    base, _, name = POSTGRES_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        cursor = connection.execute(statement.format(name=name))
        return bool(cursor.rowcount)


def ensure_demo(fresh: bool) -> None:
    if fresh:
        postgres_admin('DROP DATABASE IF EXISTS "{name}"')
    if not postgres_admin("SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        postgres_admin('CREATE DATABASE "{name}"')
    from django.core.management import call_command

    from binome.accounts.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        print("seeding the demo (once; about a minute)", file=sys.stderr)
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", seed=7, anchor=date(2026, 11, 2), verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def clients() -> dict[str, tuple[Any, str]]:
    """Each page: the client (signed in as whom it is for, second factor passed) and its address."""
    from django.test import Client

    from binome.accounts.models import User
    from binome.accounts.security import MFA_SESSION_KEY

    def signed_in(email: str) -> Any:
        client = Client()
        user = User.objects.get(email=email)
        client.force_login(user)
        session = client.session
        session[MFA_SESSION_KEY] = str(user.pk)
        session.save()
        return client

    coordinator = signed_in("coord.paris@demo.binome.fr")
    mentee_user = User.objects.get(email="mentee@demo.binome.fr")
    mentee_person = mentee_user.roles.get(kind="mentee").person_id
    phone = signed_in("mentee@demo.binome.fr")
    phone.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile"
    return {
        "bare": (Client(), "/__bare__/"),
        "sign-in": (Client(), "/accounts/login/"),
        "coordinator dashboard": (coordinator, "/staff/territories/paris/"),
        "people list": (coordinator, "/staff/people/"),
        "mentee's file": (coordinator, f"/staff/people/{mentee_person}/"),
        "impact dashboard": (coordinator, "/staff/impact/"),
        "mentee home": (phone, "/mentee/"),
    }


def timed(get: Callable[[], Any], repeat: int) -> list[tuple[float, float]]:
    """Wall and CPU seconds of each request: the CPU of this process is what a web worker spends
    (the database's share is in wall only), and it moves less with the machine's load."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        get()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    parser.add_argument("--profile", choices=PAGES, help="print the cProfile of this page")
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())
    production_environment(POSTGRES_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, override_settings

    ensure_demo(args.fresh)
    pages = clients()
    with override_settings(ROOT_URLCONF="bench.pages_inprocess.urls"):
        figures: dict[str, dict[str, Any]] = {}
        for name, (client, url) in pages.items():
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code, response.get("Location"))
            # Counted before the next request: its start empties the connection's query log.
            figures[name] = {"queries": len(queries), "bytes": len(response.content), "times": []}
            client.get(url)  # warm
            # Python function calls per request: a measure of the CPU work that the machine's load
            # does not move (the same code and data give the same count).
            profiler = cProfile.Profile()
            profiler.runcall(timed, lambda c=client, u=url: c.get(u), 3)
            figures[name]["calls"] = pstats.Stats(profiler).total_calls // 3  # type: ignore[attr-defined]
        if args.profile:
            client, url = pages[args.profile]
            profiler = cProfile.Profile()
            profiler.runcall(timed, lambda: client.get(url), args.repeat)
            profiler.dump_stats(f"/tmp/bench-pages-{args.profile.replace(' ', '-')}.prof")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            return
        for _ in range(args.rounds):
            for name, (client, url) in pages.items():
                figures[name]["times"] += timed(lambda c=client, u=url: c.get(u), args.repeat)
    bare = statistics.median(wall for wall, _ in figures["bare"]["times"])
    print(
        f"{connection.vendor}, DEBUG={int(settings.DEBUG)}, {args.rounds} rounds x {args.repeat} requests, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'page':24} {'median ms':>9} {'CPU ms':>7} {'bare/page':>9} {'queries':>7} {'calls':>7} {'KB':>5}")
    for name, page in figures.items():
        median = statistics.median(wall for wall, _ in page["times"])
        cpu = statistics.median(cpu for _, cpu in page["times"])
        print(
            f"  {name:24} {1000 * median:9.1f} {1000 * cpu:7.1f} {bare / median:9.3f} {page['queries']:7}"
            f" {page['calls']:7} {page['bytes'] // 1024:5}"
        )


if __name__ == "__main__":
    main()
