"""Twenty coordinators' confirmations at the same instant, all wanting the same mentor with one place:
exactly one gets him (PostgreSQL, real concurrent transactions; see test_concurrency.py)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from binome.cohorts.models import Cohort
from binome.pairing import engine, services
from binome.pairing.models import Duo, MatchRun
from conftest import APPS_BUT_REFERENCE, Cast

from .conftest import Autumn, mentee

pytestmark = pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)

CONFIRMATIONS = 20


def test_twenty_simultaneous_confirmations_for_a_one_place_mentor_give_exactly_one_duo(
    cast: Cast, autumn: Autumn
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's concurrent transactions")
    assert autumn.omar.capacity == 1
    runs: list[MatchRun] = []
    for n in range(CONFIRMATIONS):
        cohort = Cohort.objects.create(
            territory=cast.paris, name=f"Paris race {n}", starts_on=date(2026, 12, 15), ends_on=date(2027, 6, 15)
        )
        # Arabic only and A2 French: Omar is the one mentor each of them can have.
        mentee(cohort, cast, f"Yasmine{n}", "D1102", "A2", {"ar": "native"})
        run = services.run_matching(cohort, actor=cast.amara)
        assert run.proposals.filter(mentor=autumn.omar).exists()
        runs.append(run)

    barrier = threading.Barrier(CONFIRMATIONS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm(run: MatchRun) -> None:
        try:
            barrier.wait(timeout=30)
            services.confirm_match_run(run, actor=cast.amara)
            result = "confirmed"
        except ValidationError as error:
            result = " ".join(error.messages)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=confirm, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == CONFIRMATIONS, outcomes
    assert outcomes.count("confirmed") == 1, outcomes
    assert all("Omar Mentor" in o for o in outcomes if o != "confirmed"), outcomes
    busy = Duo.objects.filter(mentor=autumn.omar, status__in=engine.BUSY_DUO_STATUSES).count()
    assert busy == 1
