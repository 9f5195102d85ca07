"""A recount of the KPI selectors: export the person-level facts to CSV, recompute every KPI in
plain Python from that CSV alone, and compare, on hypothesis-generated populations and on one
fixed, realistic population. It proves the export and the selectors agree; the windows it applies
are the selectors' own, so the check against the written definitions, labelled by hand, is
test_independent_check.py.

The CSV says a network count's date, not which questionnaire it answered, so the populations
here carry staff-recorded counts (bounded by date); survey answers are in the hand-labelled check."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binome.cohorts.models import Cohort, Workshop, WorkshopInvitation
from binome.impact import kpis
from binome.impact.export import person_csv
from binome.impact.kpis import Slice
from binome.impact.models import JOB_OR_TRAINING_KINDS, OPPORTUNITY_KINDS, MentorSkillsScore, NetworkReport, Outcome
from binome.meetings.models import NetworkIntroduction
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.territories.models import Territory

from . import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2027, 10, 1)
NOW = datetime(2027, 10, 1, 8, tzinfo=UTC)
COHORTS = [
    (date(2026, 1, 1), date(2026, 7, 1)),
    (date(2026, 9, 1), date(2027, 3, 1)),
    (date(2027, 6, 1), date(2027, 12, 1)),
]
KINDS = [k.value for k in Outcome.Kind]
STATUSES = [s.value for s in Duo.Status]


# --- The population ---------------------------------------------------------------------------


@dataclass
class DuoSpec:
    cohort: int
    mentor: int
    status: str
    confirmed: int
    unconfirmed: int
    started_offset: int
    ended_offset: int | None
    outcomes: list[tuple[str, int, str]]  # kind, days after the cohort's start, status
    introductions: list[int]
    network: list[tuple[int, int]]  # contacts, days after the cohort's start
    mentee_present: bool | str | None  # "absent" = not invited
    mentor_present: bool | str | None


@dataclass
class Population:
    duos: list[DuoSpec]
    mentors: list[tuple[int, int | None, list[tuple[str, int, float]]]] = field(default_factory=list)
    # company index, trained_on offset from 2026-01-01, skills scores (moment, offset, score)


presence = st.sampled_from([True, False, None, "absent"])
duo_spec = st.builds(
    DuoSpec,
    cohort=st.integers(0, 2),
    mentor=st.integers(0, 2),
    status=st.sampled_from(STATUSES),
    confirmed=st.integers(0, 3),
    unconfirmed=st.integers(0, 1),
    started_offset=st.integers(0, 20),
    ended_offset=st.one_of(st.none(), st.integers(30, 200)),
    outcomes=st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(-40, 700), st.sampled_from(["active", "active", "conflict"])),
        max_size=3,
    ),
    introductions=st.lists(st.integers(-20, 220), max_size=4),
    network=st.lists(st.tuples(st.integers(0, 6), st.integers(100, 600)), max_size=2),
    mentee_present=presence,
    mentor_present=presence,
)
mentor_spec = st.tuples(
    st.integers(0, 1),
    st.one_of(st.none(), st.integers(-150, 600)),
    st.lists(st.tuples(st.sampled_from(["baseline", "end"]), st.integers(-100, 700), st.floats(0, 100)), max_size=2),
)
populations = st.builds(
    Population, duos=st.lists(duo_spec, max_size=12), mentors=st.lists(mentor_spec, min_size=3, max_size=3)
)


def realistic() -> Population:
    """A fixed population: about 60 duos over three cohorts, rates close to the programme's."""
    rng = random.Random(2016)
    duos = []
    for _ in range(60):
        kind = rng.choices(["cdi", "cdd", "training", "interview", "none", ""], [15, 15, 15, 10, 25, 20])[0]
        outcomes = [(kind, rng.randint(30, 200), "active")] if kind else []
        if rng.random() < 0.3:
            outcomes.append(("cdi", rng.randint(200, 500), "active"))
        duos.append(
            DuoSpec(
                cohort=rng.randint(0, 2),
                mentor=rng.randint(0, 2),
                status=rng.choices(STATUSES, [2, 1, 6, 2])[0],
                confirmed=rng.choices([0, 1, 3], [1, 2, 7])[0],
                unconfirmed=rng.randint(0, 1),
                started_offset=rng.randint(0, 14),
                ended_offset=rng.choice([None, None, None, 90]),
                outcomes=outcomes,
                introductions=[rng.randint(10, 180) for _ in range(rng.randint(0, 4))],
                network=[(rng.randint(0, 6), rng.randint(170, 200))] if rng.random() < 0.6 else [],
                mentee_present=rng.choice([True, True, False, None]),
                mentor_present=rng.choice([True, False, "absent"]),
            )
        )
    mentors = [
        (0, 10, [("baseline", -20, 55.0), ("end", 185, 70.0)]),
        (0, None, [("baseline", -10, 60.0)]),
        (1, 300, []),
    ]
    return Population(duos=duos, mentors=mentors)


def build(population: Population) -> dict[str, Any]:
    territory = Territory.objects.create(name="Tours", slug="tours", centre_id=2972191)
    companies = [
        Organisation.objects.create(name=f"Co{i}", slug=f"co{i}", kind="company", territory=territory) for i in range(2)
    ]
    cohorts = [
        Cohort.objects.create(territory=territory, name=f"C{i}", starts_on=s, ends_on=e)
        for i, (s, e) in enumerate(COHORTS)
    ]
    workshops = [
        Workshop.objects.create(
            cohort=c,
            kind="codes_workshop",
            title="W",
            starts_at=datetime.combine(c.starts_on + timedelta(days=10), datetime.min.time(), UTC),
            ends_at=datetime.combine(c.starts_on + timedelta(days=10), datetime.min.time(), UTC) + timedelta(hours=3),
        )
        for c in cohorts
    ]
    base = date(2026, 1, 1)
    mentors = []
    for company, trained, scores in population.mentors:
        mentor = f.mentor(territory, companies[company])
        if trained is not None:
            mentor.training_status, mentor.trained_on = "completed", base + timedelta(days=trained)
            mentor.save()
        for moment, offset, score in scores:
            MentorSkillsScore.objects.create(
                person=mentor.person, moment=moment, score=score, date=base + timedelta(days=offset)
            )
        mentors.append(mentor)
    for spec in population.duos:
        cohort = cohorts[spec.cohort]
        mentee = f.mentee(territory)
        start = cohort.starts_on + timedelta(days=spec.started_offset)
        duo = f.duo(
            cohort,
            mentors[spec.mentor],
            mentee,
            status=spec.status,
            started_on=start,
            ended_on=None if spec.ended_offset is None else start + timedelta(days=spec.ended_offset),
            meetings=spec.confirmed,
            unconfirmed=spec.unconfirmed,
        )
        for kind, offset, status in spec.outcomes:
            day = min(cohort.starts_on + timedelta(days=offset), TODAY)
            Outcome.objects.create(person=mentee.person, kind=kind, date=day, source="staff", status=status)
        for offset in spec.introductions:
            NetworkIntroduction.objects.create(
                duo=duo, introduced_on=cohort.starts_on + timedelta(days=offset), contact_role="x", company="y"
            )
        for contacts, offset in spec.network:
            NetworkReport.objects.create(
                person=mentee.person, contacts=contacts, date=cohort.starts_on + timedelta(days=offset), source="staff"
            )
        for person, present in (
            (mentee.person, spec.mentee_present),
            (mentors[spec.mentor].person, spec.mentor_present),
        ):
            if present != "absent":
                WorkshopInvitation.objects.get_or_create(
                    workshop=workshops[spec.cohort],
                    person=person,
                    defaults={"role": "mentee" if person == mentee.person else "mentor", "present": present},
                )
    return {"cohorts": cohorts, "companies": companies}


# --- The recomputation, in plain Python from the CSV only -----------------------------------------


def d(text: str) -> date:
    return date.fromisoformat(text)


def parse(text: str) -> list[list[str]]:
    return [item.split("@") for item in text.split(";")] if text else []


def proportion(units: dict[Any, list[tuple[bool, bool]]]) -> tuple[int, int, int]:
    """(numerator, denominator, unknown) over units, each with the (yes, no) of its rows."""
    den = len(units)
    num = sum(1 for rows in units.values() if any(y for y, _n in rows))
    no = sum(1 for rows in units.values() if any(n and not y for y, n in rows))
    return num, den, max(0, den - num - no)


def first_prepared_cohort(rows: list[dict[str, str]]) -> dict[str, str]:
    fitting: dict[str, list[tuple[date, int]]] = {}
    for r in rows:
        if r["mentor_trained_on"] and (
            d(r["cohort_starts_on"]) - timedelta(days=120) <= d(r["mentor_trained_on"]) <= d(r["cohort_ends_on"])
        ):
            fitting.setdefault(r["mentor_id"], []).append((d(r["cohort_starts_on"]), int(r["cohort_id"])))
    return {mentor: str(min(cohorts)[1]) for mentor, cohorts in fitting.items()}


def recompute(rows: list[dict[str, str]], everyone: list[dict[str, str]] | None = None) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    participants = [r for r in rows if int(r["confirmed_meetings"]) > 0]

    def outcomes(r: dict[str, str]) -> list[tuple[str, date]]:
        return [(kind, d(day)) for kind, day in parse(r["outcomes"])]

    units: dict[Any, list] = defaultdict(list)
    for r in participants:
        start, end = d(r["cohort_starts_on"]), d(r["cohort_ends_on"])
        if end > TODAY:
            continue
        yes = any(k in OPPORTUNITY_KINDS and start <= day <= end for k, day in outcomes(r))
        no = any(k == "none" and abs((day - end).days) <= 31 for k, day in outcomes(r))
        units[(r["cohort_id"], r["mentee_id"])].append((yes, no))
    out["opportunity"] = proportion(units)

    units = defaultdict(list)
    for r in participants:
        start, end = d(r["cohort_starts_on"]), d(r["cohort_ends_on"])
        if end > TODAY:
            continue
        intros = sum(1 for x in r["introductions"].split(";") if x and start <= d(x) <= end)
        reports = [(int(c), d(day)) for c, day in parse(r["network_reports"]) if abs((d(day) - end).days) <= 31]
        yes = intros >= 3 or any(c >= 3 for c, _ in reports)
        no = any(c < 3 for c, _ in reports)
        units[(r["cohort_id"], r["mentee_id"])].append((yes, no))
    out["network"] = proportion(units)

    for key, days in (("job_training_6", 183), ("job_training_12", 365)):
        units = defaultdict(list)
        for r in participants:
            start, end = d(r["cohort_starts_on"]), d(r["cohort_ends_on"])
            if end > TODAY - timedelta(days=days):
                continue
            limit = end + timedelta(days=days)
            yes = any(k in JOB_OR_TRAINING_KINDS and start <= day <= limit for k, day in outcomes(r))
            no = any(k == "none" and abs((day - limit).days) <= 31 for k, day in outcomes(r))
            units[(r["cohort_id"], r["mentee_id"])].append((yes, no))
        out[key] = proportion(units)

    units = {
        r["duo_id"]: [(r["status"] == "completed", r["status"] == "ended_early")]
        for r in rows
        if d(r["cohort_ends_on"]) <= TODAY and d(r["started_on"]) <= TODAY
    }
    out["completion"] = proportion(units)

    invitations: dict[str, list] = {}
    for r in rows:
        for pk, present, _role, _minutes, _kind in parse(r["invitations"]):
            invitations[pk] = [(present == "1", present == "0")]
    out["workshops"] = proportion(invitations)

    units = defaultdict(list)
    for r in rows:
        if d(r["cohort_ends_on"]) > TODAY:
            continue
        scores = [(m, float(score)) for m, _day, score in parse(r["mentor_scores"])]
        before = [v for m, v in scores if m == "baseline"]
        after = [v for m, v in scores if m == "end"]
        known = bool(before and after)
        rose = known and sum(after) / len(after) > sum(before) / len(before)
        units[(r["cohort_id"], r["mentor_id"])].append((rose, known and not rose))
    out["mentor_skills"] = proportion(units)

    running = [r for r in rows if d(r["started_on"]) <= TODAY]
    days = 0
    for r in running:
        end = d(r["cohort_ends_on"])
        stop = min(d(r["ended_on"]) if r["ended_on"] else end, end, TODAY)
        days += (stop - d(r["started_on"])).days
    meetings = sum(int(r["confirmed_meetings_to_date"]) for r in running)
    months = max(days, 0) / 30.4375
    out["meetings"] = (meetings, round(months, 1), None if not months else round(meetings / months, 6))

    hours = sum(int(r["confirmed_minutes"]) for r in rows) / 60
    workshop_minutes: dict[str, int] = {}
    for r in rows:
        for pk, present, role, minutes, kind in parse(r["invitations"]):
            if present == "1" and role == "mentor" and kind != "mentor_training":
                workshop_minutes[pk] = int(minutes)
    hours += sum(workshop_minutes.values()) / 60
    # A training day counts once: in the first cohort (by start) of the mentor it prepares, i.e. whose
    # window (120 days before the start to the end) holds it, among all the mentor's duos.
    prepared = first_prepared_cohort(everyone if everyone is not None else rows)
    trained = {(r["cohort_id"], r["mentor_id"]) for r in rows if prepared.get(r["mentor_id"]) == r["cohort_id"]}
    out["hours"] = (round(hours + 7 * len(trained), 1),)
    return out


def from_selectors(slice_: Slice) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for fig in kpis.figures(slice_, today=TODAY):
        if fig.key == "meetings":
            out["meetings"] = (fig.numerator, fig.denominator, None if fig.rate is None else round(fig.rate, 6))
        elif fig.key == "hours":
            out["hours"] = (fig.numerator,)
        else:
            out[fig.key] = (fig.numerator, fig.denominator, fig.unknown)
    return out


def check(world: dict[str, Any]) -> int:
    slices = [Slice(), Slice(company_id=world["companies"][0].pk)] + [Slice(cohort_id=c.pk) for c in world["cohorts"]]
    everyone = list(csv.DictReader(io.StringIO(person_csv(Slice(), today=TODAY))))
    for slice_ in slices:
        text = person_csv(slice_, today=TODAY)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert recompute(rows, everyone) == from_selectors(slice_), slice_
    return len(slices)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(population=populations)
def test_selectors_agree_with_a_plain_python_recount(db: Any, population: Population) -> None:
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        check(build(population))
        transaction.set_rollback(True)


def test_selectors_agree_on_a_realistic_population(db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        world = build(realistic())
        assert check(world) == 5
        opportunity = next(x for x in kpis.figures(Slice(), today=TODAY) if x.key == "opportunity")
        assert opportunity.denominator > 20
        assert 0 < opportunity.numerator < opportunity.denominator
