"""The KPI dashboard at national scale:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/binome_bench_impact python -m bench.impact`.

Builds (or reuses, when it already holds the same population) a PostgreSQL database with
100,000 mentees in 100,000 duos over 5 territories and 50 cohorts, 1,000,000 meetings, outcomes,
network introductions and answers, mentor skills scores and workshop attendance; then requests
the impact dashboard (/staff/impact/) through the Django test client, under production settings
(DEBUG off), as the national admin (all territories), as one territory's coordinator and for one
cohort. For each it prints the SQL query count, the seconds (first request, median, worst), a
reference measured in the same run on the same database (a plain sequential count of the
meetings table, `SELECT count(*) FROM meetings_meeting`, no index, no parallel workers), the
ratio of the two, and the largest loop count of any node of any of the page's query plans
(`EXPLAIN (ANALYZE, FORMAT JSON)` of every SELECT, run where and as the page runs it).

Goals: under 2 s (PASS / FAIL; the machine's load average is printed, since absolute seconds on
a loaded machine lie: the ratio is the figure to compare between runs), and no plan node looping
100,000 times or more (a query that does something once per duo): that one is asserted, the
bench exits 1. `--rebuild` drops and rebuilds the data; `--mentees` / `--meetings` resize it.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/binome_bench_impact"
TERRITORIES = 5
COHORTS_PER_TERRITORY = 10
BATCH = 20_000


def ensure_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


#: The bench's own Fernet key (production refuses keys derived from SECRET_KEY): its data is fake.
BENCH_KEY = "YmVuY2gtaW1wYWN0LWZpZWxkLWVuY3J5cHRpb24ta2U="


def bench_keys() -> list[str]:
    """The bench key, then (to read it only) the key development derives from its SECRET_KEY,
    which encrypted the databases earlier versions of this bench built under DEBUG=1."""
    import base64
    import hashlib

    sys.path.insert(0, os.getcwd())
    from config.settings import _DEV_SECRET

    digest = hashlib.sha256(b"binome-field-encryption|" + _DEV_SECRET.encode()).digest()
    return [BENCH_KEY, base64.urlsafe_b64encode(digest).decode()]


def setup(url: str) -> None:
    """Django under production settings (DEBUG off), as a deployed server runs the page."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DEBUG"] = "0"
    os.environ["DEMO_MODE"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))  # this process's sessions only
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", ",".join(bench_keys()))
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()


def chunks(rows: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def marker(mentees: int, meetings: int) -> str:
    # v2: meetings confirmed by the mentee (before, none counted under the hours ledger's rule).
    return f"bench-impact-v2-{mentees}-{meetings}"


def build(mentees: int, meetings: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from binome.accounts.models import Role, User
    from binome.cohorts.models import Cohort, Workshop, WorkshopInvitation
    from binome.impact.models import MentorSkillsScore, NetworkReport, Outcome
    from binome.meetings.models import Meeting, NetworkIntroduction
    from binome.organisations.models import Organisation
    from binome.pairing.models import Duo
    from binome.people.models import MenteeProfile, MentorProfile, Person
    from binome.sourcing.models import Referral
    from binome.territories.models import Territory

    rng = random.Random(2016)
    now = timezone.now()
    today = timezone.localdate()
    territories = [
        Territory.objects.create(name=f"Bench {k}", slug=f"bench-{k}", centre_id=2988507) for k in range(TERRITORIES)
    ]
    companies = {
        t.pk: Organisation.objects.bulk_create(
            Organisation(name=f"Co {t.pk}-{k}", slug=f"co-{t.pk}-{k}", kind="company", territory=t) for k in range(40)
        )
        for t in territories
    }
    partners = {
        t.pk: Organisation.objects.bulk_create(
            Organisation(name=f"NGO {t.pk}-{k}", slug=f"ngo-{t.pk}-{k}", kind="ngo", territory=t) for k in range(5)
        )
        for t in territories
    }
    first = today - timedelta(days=182 * COHORTS_PER_TERRITORY)
    cohorts = []
    for t in territories:
        for k in range(COHORTS_PER_TERRITORY):
            start = first + timedelta(days=182 * k + 7 * t.pk)
            cohorts.append(
                Cohort.objects.create(
                    territory=t, name=f"{t.name} #{k}", starts_on=start, ends_on=start + timedelta(days=182)
                )
            )
    workshops = {
        c.pk: Workshop.objects.bulk_create(
            Workshop(
                cohort=c,
                kind="codes_workshop",
                title="W",
                starts_at=datetime.combine(c.starts_on + timedelta(days=30 + 50 * w), datetime.min.time(), now.tzinfo),
                ends_at=datetime.combine(c.starts_on + timedelta(days=30 + 50 * w), datetime.min.time(), now.tzinfo)
                + timedelta(hours=3),
            )
            for w in range(3)
        )
        for c in cohorts
    }
    per_cohort = mentees // len(cohorts)
    mentor_count = mentees // 2
    print(f"  people: {mentees} mentees, {mentor_count} mentors", flush=True)
    people_of: dict[str, list[int]] = {"mentee": [], "mentor": []}
    for role, count in (("mentee", mentees), ("mentor", mentor_count)):
        for batch in chunks(
            Person(
                first_name=f"{role[:2].upper()}{k}",
                last_name="Bench",
                territory_id=cohorts[
                    min(k // (per_cohort if role == "mentee" else per_cohort // 2), len(cohorts) - 1)
                ].territory_id,
                name_key=f"bench {role} {k}",
            )
            for k in range(count)
        ):
            people_of[role] += [p.pk for p in Person.objects.bulk_create(batch)]
    cohort_of_mentee = [cohorts[min(k // per_cohort, len(cohorts) - 1)] for k in range(mentees)]
    mentor_ids: list[int] = []
    for batch in chunks(
        MentorProfile(
            person_id=pid,
            company=rng.choice(companies[cohort_of_mentee[min(2 * k, mentees - 1)].territory_id]),
            job_title="Dev",
            occupation_id="M1805",
            capacity=2,
            training_status="completed",
            trained_on=cohort_of_mentee[min(2 * k, mentees - 1)].starts_on - timedelta(days=30),
        )
        for k, pid in enumerate(people_of["mentor"])
    ):
        mentor_ids += [m.pk for m in MentorProfile.objects.bulk_create(batch)]
    mentee_ids: list[int] = []
    for batch in chunks(
        MenteeProfile(person_id=pid, protection_status="refugee", french_level="B1") for pid in people_of["mentee"]
    ):
        mentee_ids += [m.pk for m in MenteeProfile.objects.bulk_create(batch)]
    for batch in chunks(
        Referral(
            person_id=pid,
            partner=rng.choice(partners[cohort_of_mentee[k].territory_id]),
            status="completed",
            cohort=cohort_of_mentee[k],
            referred_at=now,
            status_changed_at=now,
        )
        for k, pid in enumerate(people_of["mentee"])
    ):
        Referral.objects.bulk_create(batch)
    print("  duos", flush=True)
    duos: list[Duo] = []
    for batch in chunks(
        Duo(
            cohort=cohort_of_mentee[k],
            mentor_id=mentor_ids[min(k // 2, len(mentor_ids) - 1)],
            mentee_id=mentee_ids[k],
            status=(
                "active"
                if cohort_of_mentee[k].ends_on > today
                else rng.choices(["completed", "ended_early", "active"], [80, 15, 5])[0]
            ),
            started_on=cohort_of_mentee[k].starts_on + timedelta(days=7),
        )
        for k in range(mentees)
    ):
        duos += Duo.objects.bulk_create(batch)
    print(f"  meetings: {meetings}", flush=True)
    per_duo = max(1, meetings // len(duos))

    def meeting_rows() -> Iterator[Meeting]:
        made = 0
        for k, duo in enumerate(duos):
            count = 0 if k % 20 == 0 else per_duo + (per_duo if k % 20 == 1 else 0)
            for j in range(count):
                if made >= meetings:
                    return
                made += 1
                # The mentee confirms the mentor's record (so it counts, as the hours ledger's rule
                # says), except for 7 % left unconfirmed.
                confirmed = rng.random() >= 0.07
                yield Meeting(
                    duo_id=duo.pk,
                    held_on=min(duo.started_on + timedelta(days=5 + 16 * j), today),
                    duration_minutes=90,
                    mode="in_person",
                    topics=["cv"],
                    recorded_as="mentor",
                    confirmed_at=now if confirmed else None,
                    confirmed_as="mentee" if confirmed else "",
                )

    for batch in chunks(meeting_rows()):
        Meeting.objects.bulk_create(batch)
    print("  outcomes, network, skills, attendance", flush=True)
    kinds = ["cdi", "cdd", "interim", "work_study", "internship", "training", "business"]

    def outcome_rows() -> Iterator[Outcome]:
        for k, pid in enumerate(people_of["mentee"]):
            cohort = cohort_of_mentee[k]
            draw = rng.random()
            if draw < 0.5:
                yield Outcome(
                    person_id=pid,
                    kind=rng.choice(kinds),
                    date=cohort.starts_on + timedelta(days=rng.randint(30, 180)),
                    source="staff",
                )
            elif draw < 0.75:
                yield Outcome(person_id=pid, kind="none", date=cohort.ends_on, source="survey")
            if rng.random() < 0.3:
                yield Outcome(
                    person_id=pid,
                    kind="cdi",
                    date=cohort.ends_on + timedelta(days=rng.randint(10, 300)),
                    source="survey",
                )

    for batch in chunks(outcome_rows()):
        Outcome.objects.bulk_create(batch)
    for batch in chunks(
        NetworkIntroduction(
            duo_id=duo.pk, introduced_on=duo.started_on + timedelta(days=20 * j + 10), contact_role="RH", company="X"
        )
        for duo in duos
        for j in range(rng.choice([0, 0, 1, 2, 3, 3]))
    ):
        NetworkIntroduction.objects.bulk_create(batch)
    for batch in chunks(
        NetworkReport(person_id=pid, date=cohort_of_mentee[k].ends_on, contacts=rng.randint(0, 6), source="survey")
        for k, pid in enumerate(people_of["mentee"])
        if rng.random() < 0.6
    ):
        NetworkReport.objects.bulk_create(batch)
    for batch in chunks(
        MentorSkillsScore(
            person_id=pid,
            moment=moment,
            score=rng.uniform(30, 90),
            date=cohort_of_mentee[min(2 * k, mentees - 1)].starts_on + timedelta(days=offset),
        )
        for k, pid in enumerate(people_of["mentor"])
        if k % 2 == 0
        for moment, offset in (("baseline", -5), ("end", 185))
    ):
        MentorSkillsScore.objects.bulk_create(batch)

    def invitation_rows() -> Iterator[WorkshopInvitation]:
        seen: set[tuple[int, int]] = set()
        for k, duo in enumerate(duos):
            for workshop in workshops[duo.cohort_id]:
                if workshop.starts_at > now:
                    continue
                for person_id, role in (
                    (people_of["mentee"][k], "mentee"),
                    (people_of["mentor"][min(k // 2, mentor_count - 1)], "mentor"),
                ):
                    if (workshop.pk, person_id) in seen:
                        continue
                    seen.add((workshop.pk, person_id))
                    yield WorkshopInvitation(
                        workshop=workshop, person_id=person_id, role=role, present=rng.choice([True, True, False, None])
                    )

    for batch in chunks(invitation_rows()):
        WorkshopInvitation.objects.bulk_create(batch)
    admin = User.objects.create_user(email="admin@bench.test", password="bench-password-1234")
    Role.objects.create(user=admin, kind=Role.Kind.NATIONAL_ADMIN)
    coordinator = User.objects.create_user(email="coord@bench.test", password="bench-password-1234")
    Role.objects.create(user=coordinator, kind=Role.Kind.COORDINATOR, territory=territories[0])
    Territory.objects.create(name=marker(mentees, meetings), slug=marker(mentees, meetings), centre_id=2988507)
    with connection.cursor() as cursor:
        # What autovacuum does to a table of this size soon after: statistics, and the visibility map
        # that lets an index-only scan skip the table.
        cursor.execute("VACUUM ANALYZE")


def signed_in(email: str) -> Any:
    from django.test import Client

    from binome.accounts.models import User

    user = User.objects.get(email=email)
    try:  # staff must have a second factor: give them an authenticator app, as the tests do
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from binome.accounts.security import has_second_factor, mfa_required

        if mfa_required(user) and not has_second_factor(user):
            TOTP.activate(user, generate_totp_secret())
    except ImportError:
        pass
    client = Client()
    client.force_login(user)
    from binome.accounts.security import has_second_factor as uses_second_factor

    if uses_second_factor(user):  # as allauth records a sign-in's second-factor step (force_login runs none)
        from allauth.account.internal.flows.login import record_authentication
        from django.http import HttpRequest

        request = HttpRequest()
        request.session = client.session
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
    return client


def get(client: Any, url: str) -> Any:
    # secure: production redirects plain HTTP to HTTPS (behind the proxy, the request is HTTPS).
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", secure=True)
    assert response.status_code == 200, (url, response.status_code)
    return response


def reference_seconds(rounds: int = 3) -> float:
    """The median time of a plain sequential count of the meetings (1,000,000 rows): the same
    database, the same machine, the same minute as the page, so page / reference is a ratio that
    holds when the machine is loaded."""
    from django.db import connection, transaction

    times = []
    for _ in range(rounds):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM meetings_meeting")
            cursor.fetchone()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plan_loops(client: Any, url: str) -> tuple[int, str, int]:
    """(largest "Actual Loops" of any plan node, that node's description, SELECTs explained) over
    every SELECT the page runs. Each is explained (ANALYZE: it runs) just before it runs, on the
    page's own connection and transaction, so its session settings (work_mem, jit) are the page's."""
    from django.db import connection

    worst: tuple[int, str] = (0, "")
    explained = 0

    def explain(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        nonlocal worst, explained
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            # A client-side cursor of its own: the page's may be a server-side (named) one.
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                (document,) = cursor.fetchone()
            explained += 1
            for node in _nodes(document[0]["Plan"]):
                loops = int(node.get("Actual Loops", 0))
                if loops > worst[0]:
                    name = node.get("Relation Name") or node.get("Index Name") or ""
                    worst = (loops, f"{node['Node Type']} {name}".strip() + f" in: {sql[:160]}…")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain):
        get(client, url)
    return worst[0], worst[1], explained


def measure(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection

    timings: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)

    start = time.perf_counter()
    with connection.execute_wrapper(timed):
        get(client, url)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        get(client, url)
        times.append(time.perf_counter() - start)
    return {
        "queries": len(timings),
        "first": first,
        "median": statistics.median(times) if times else first,
        "worst": max(times) if times else first,
        "slowest_sql": sorted(timings)[-3:],
    }


GOAL_SECONDS = 2.0
MAX_LOOPS = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentees", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("bench.impact needs PostgreSQL: set DATABASE_URL=postgres://…/binome_bench_impact")
    ensure_database(url)
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    from binome.meetings.models import Meeting
    from binome.reference.services import load_reference_data
    from binome.territories.models import Territory

    call_command("migrate", verbosity=0)
    # Production serves hashed static files from a manifest, as a deploy collects them (into the
    # git-ignored staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)
    present = Territory.objects.filter(slug=marker(args.mentees, args.meetings)).exists()
    if args.rebuild or not present:
        if Territory.objects.exists():
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            call_command("migrate", verbosity=0)
        load_reference_data()
        print(f"building {args.mentees} mentees and {args.meetings} meetings…", flush=True)
        started = time.perf_counter()
        build(args.mentees, args.meetings)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print("reusing the database built earlier", flush=True)
    print(f"meetings in the database: {Meeting.objects.count()}; load average {os.getloadavg()[0]:.1f}")
    cohort = Territory.objects.get(slug="bench-0").cohorts.order_by("starts_on").first()
    # A fresh Python process spends over a second on its first page of any kind (imports, templates,
    # translation catalogues); a running server has paid it already. It is printed apart, measured on
    # another page, so "first" below is the dashboard's own first request.
    started = time.perf_counter()
    get(signed_in("admin@bench.test"), "/staff/people/")
    print(f"  process warm-up (first page of a new process, /staff/people/): {time.perf_counter() - started:.2f} s")
    print(f"  reference: a sequential count of {Meeting.objects.count():,} meetings, measured before each page")
    header = f"  {'view':24} {'queries':>7} {'first':>6} {'median':>6} {'worst':>6} {'ref':>6} {'ratio':>6}"
    print(f"{header} {'max loops':>9}  goal (< {GOAL_SECONDS:g} s, loops < {MAX_LOOPS:,})")
    looping = []
    for who, email, url_path in (
        ("national admin", "admin@bench.test", "/staff/impact/"),
        ("coordinator", "coord@bench.test", "/staff/impact/"),
        ("coordinator, one cohort", "coord@bench.test", f"/staff/impact/?cohort={cohort.pk}"),
    ):
        client = signed_in(email)
        reference = reference_seconds()
        figures = measure(client, url_path, args.repeat)
        reference = statistics.median([reference, reference_seconds()])
        loops, node, explained = plan_loops(client, url_path)
        median = figures["median"]
        verdict = "PASS" if median < GOAL_SECONDS else "FAIL"
        times = f"{figures['first']:>6.2f} {median:>6.2f} {figures['worst']:>6.2f} {reference:>6.3f}"
        print(
            f"  {who:24} {figures['queries']:>7} {times} {median / reference:>6.1f} {loops:>9,}"
            f"  {verdict}{'' if loops < MAX_LOOPS else ', LOOPS'}",
            flush=True,
        )
        slowest = ", ".join(f"{t:.2f}" for t in figures["slowest_sql"])
        print(f"      slowest SQL {slowest} s; {explained} SELECTs explained; most loops: {node[:200]}")
        if loops >= MAX_LOOPS:
            looping.append(f"{who}: {loops:,} loops ({node})")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores): seconds lie when it is high, the ratio less")
    assert not looping, "a plan node runs once per row: " + "; ".join(looping)


if __name__ == "__main__":
    main()
