"""Registrations at the same moment cannot over-fill an event (the event row is locked first).

Runs on PostgreSQL: real concurrent transactions on several connections. SQLite serialises
writers, so the race cannot occur there and the test is skipped.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from binome.events import services
from binome.events.models import CompanyEvent
from binome.people.services import create_mentee_profile, create_person
from conftest import APPS_BUT_REFERENCE, Cast

pytestmark = pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)


def test_six_registrations_at_once_fill_three_places_and_refuse_three(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL's concurrent transactions")
    event = services.create_event(
        company=cast.acme,
        kind="job_dating",
        title="Job-dating",
        starts_at=datetime(2026, 5, 12, 10, tzinfo=UTC),
        duration_minutes=120,
        format="in_person",
        place="Acme",
        capacity=3,
        actor=None,
    )
    people = []
    for n in range(6):
        person = create_person(actor=None, first_name=f"Mentee{n}", last_name="Test", territory=cast.paris)
        create_mentee_profile(person, actor=None, targets=["M1805"], french_level="B1", protection_status="refugee")
        people.append(person)
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def register(person: object) -> None:
        try:
            barrier.wait(timeout=10)
            services.register(event, person, actor=None)  # type: ignore[arg-type]
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Messages come in the threads' own (default) language: count outcomes, not words.
    assert len(outcomes) == 6, outcomes
    assert outcomes.count("registered") == 3, outcomes
    assert CompanyEvent.objects.get(pk=event.pk).registrations.count() == 3
