"""Two coordinators confirming at the same moment cannot give a mentor more duos than places.

Runs on PostgreSQL (CI runs the whole suite there too): real concurrent transactions on
two connections. SQLite serialises writers with BEGIN IMMEDIATE, so the race cannot occur.
"""

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

# Flush every table but the reference data after the test: other tests on this worker need it.

pytestmark = pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)


def test_two_confirmations_at_once_cannot_over_fill_a_mentor(cast: Cast, autumn: Autumn) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's concurrent transactions")
    other = Cohort.objects.create(
        territory=cast.paris, name="Paris bis", starts_on=date(2026, 12, 15), ends_on=date(2027, 6, 15)
    )
    # Yasmine speaks Arabic and A2 French: Omar is the only mentor she can have, as Yara in autumn.
    mentee(other, cast, "Yasmine", "D1102", "A2", {"ar": "native"})
    first = services.run_matching(autumn.cohort, actor=cast.amara)
    second = services.run_matching(other, actor=cast.amara)
    assert first.proposals.filter(mentor=autumn.omar).exists()
    assert second.proposals.filter(mentor=autumn.omar).exists()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(run: MatchRun) -> None:
        try:
            barrier.wait(timeout=10)
            services.confirm_match_run(run, actor=cast.amara)
            outcomes.append("confirmed")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(run,)) for run in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(o == "confirmed" for o in outcomes) == [False, True], outcomes
    assert any("Omar Mentor" in o for o in outcomes)
    busy = Duo.objects.filter(mentor=autumn.omar, status__in=engine.BUSY_DUO_STATUSES).count()
    assert busy == autumn.omar.capacity == 1
