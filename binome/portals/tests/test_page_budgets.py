"""The pages `python -m bench.web` loads cost a fixed number of queries however big the city, and
their size grows by a bounded amount per person or duo added.

Each test builds a small Paris with bulk inserts, measures the page, makes the city bigger
(more mentors, mentees, referrals, duos, meetings, people waiting to be matched) and measures it
again: the query count must not move (no query per row) and stay within its budget, and the page
must not grow by more than its budget per row added. The throughput of these pages at ten times
the demo, and their size there, are the bench's to measure (`python -m bench.web`, README
"Performance"): building ten times the demo takes longer than a test may.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binome.cohorts.models import Cohort
from binome.meetings.models import Meeting
from binome.pairing import services as pairing
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.sourcing.models import Referral
from conftest import PARIS, Cast

_names = itertools.count()
SLOTS = ["mon_am", "tue_pm", "wed_pm", "thu_am", "sat_am"]


def _people(cast: Cast, n: int) -> list[Person]:
    people = []
    for _ in range(n):
        k = next(_names)
        first, last = f"Prénom{k}", f"Nom{k}"
        people.append(
            Person(
                first_name=first,
                last_name=last,
                email=f"p{k}@example.org",
                territory=cast.paris,
                name_key=Person.name_key_for(first, last),
            )
        )
    return Person.objects.bulk_create(people)


def _mentors(cast: Cast, n: int) -> list[MentorProfile]:
    return MentorProfile.objects.bulk_create(
        MentorProfile(
            person=person,
            company=cast.acme,
            job_title="Développeuse",
            occupation_id="M1805",
            workplace_id=PARIS,
            capacity=2,
            availability=SLOTS,
            training_status=MentorProfile.Training.COMPLETED,
            trained_on=date(2026, 1, 10),
        )
        for person in _people(cast, n)
    )


def _mentees(cast: Cast, n: int, *, status: str, cohort: Cohort | None = None) -> list[MenteeProfile]:
    people = _people(cast, n)
    mentees = MenteeProfile.objects.bulk_create(
        MenteeProfile(
            person=person,
            protection_status="refugee",
            right_to_work=True,
            french_level="B1",
            home_id=PARIS,
            availability=SLOTS,
        )
        for person in people
    )
    MenteeProfile.target_occupations.through.objects.bulk_create(
        MenteeProfile.target_occupations.through(menteeprofile_id=m.pk, occupation_id="M1805") for m in mentees
    )
    Referral.objects.bulk_create(
        Referral(person=person, partner=cast.paris_ngo, status=status, cohort=cohort) for person in people
    )
    return mentees


@dataclass
class City:
    """The small Paris the tests grow: `grow(n)` adds n of everything each page lists."""

    cast: Cast
    matching: Cohort

    def grow(self, n: int) -> None:
        running = self.cast.paris_duo.cohort
        mentors = _mentors(self.cast, n)
        duos = Duo.objects.bulk_create(
            Duo(cohort=running, mentor=mentor, mentee=mentee, started_on=date(2026, 3, 8))
            for mentor, mentee in zip(mentors, _mentees(self.cast, n, status=Referral.Status.MATCHED), strict=True)
        )
        Meeting.objects.bulk_create(
            Meeting(
                duo=duo,
                held_on=date(2026, 3, 15) + timedelta(days=7 * week),
                duration_minutes=60,
                mode=Meeting.Mode.IN_PERSON,
                topics=["cv"],
                recorded_as=Meeting.Author.MENTEE,
            )
            for duo in duos
            for week in range(3)
        )
        _mentees(self.cast, n, status=Referral.Status.ENROLLED, cohort=self.matching)  # waiting for the board
        _mentees(self.cast, n, status=Referral.Status.RECEIVED)  # new referrals
        _mentors(self.cast, n)  # mentors free for the next cohort

    def match(self) -> None:
        """A run of the matching cohort, as the coordinator leaves it on the board (the board's test
        only: it loads the engine)."""
        pairing.run_matching(self.matching, actor=self.cast.amara)


@pytest.fixture
def city(cast: Cast) -> City:
    matching = Cohort.objects.create(
        territory=cast.paris,
        name="Paris automne",
        starts_on=date(2026, 10, 1),
        ends_on=date(2027, 4, 1),
        status=Cohort.Status.MATCHING,
    )
    built = City(cast, matching)
    built.grow(4)
    return built


def _coordinator(cast: Cast) -> Any:
    return cast.amara


@dataclass(frozen=True)
class Budget:
    page: str
    url: Callable[[City], str]
    viewer: Callable[[Cast], Any]
    queries: int  # at most, at any size
    bytes_per_row: int  # at most, per `City.grow` unit (a duo, its mentor and mentee, and three people more)


# Pinned from today's pages (issue 19): a change that adds a query per request, or bytes per row,
# shows here. Lists that are paginated stop growing once a page is full; the board lists its whole
# pool for now.
BUDGETS = [
    Budget("coordinator dashboard", lambda c: reverse("territories:territory", args=["paris"]), _coordinator, 17, 50),
    Budget("people list", lambda c: reverse("people:people"), _coordinator, 9, 800),
    Budget("a mentee's file", lambda c: reverse("people:person", args=[c.cast.chloe.person_id]), _coordinator, 11, 50),
    Budget("matching board", lambda c: reverse("pairing:matching_board", args=[c.matching.pk]), _coordinator, 12, 800),
    Budget("impact dashboard", lambda c: reverse("impact:dashboard"), _coordinator, 27, 50),
    # 8, and one for "your coordinator" (the territory's coordinators, whatever the city's size).
    Budget("mentee home", lambda c: reverse("mentee_portal"), lambda c: c.chloe_user, 9, 50),
]


def _measure(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries), len(response.content)


@pytest.mark.parametrize("budget", BUDGETS, ids=[b.page for b in BUDGETS])
def test_a_bigger_city_costs_no_more_queries_and_a_bounded_size(city: City, client_for: Any, budget: Budget) -> None:
    client = client_for(budget.viewer(city.cast))
    url = budget.url(city)
    board = budget.page == "matching board"
    if board:
        city.match()
    client.get(url)  # the first request of a session writes it and caches what is per process
    small_queries, small_size = _measure(client, url)
    added = 12
    city.grow(added)
    if board:
        city.match()
    big_queries, big_size = _measure(client, url)
    assert big_queries == small_queries, f"{budget.page}: {small_queries} queries, then {big_queries} at a bigger city"
    assert big_queries <= budget.queries, f"{budget.page}: {big_queries} queries (budget {budget.queries})"
    per_row = (big_size - small_size) / added
    assert per_row <= budget.bytes_per_row, (
        f"{budget.page}: {per_row:.0f} bytes more per row (budget {budget.bytes_per_row})"
    )
