"""A Paris cohort of spring 2027 generated from the default template, with the cast's Paris
duo in it, at a frozen date before it starts (so invitations can go out)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from binome.cohorts.models import Cohort, ProgrammeTemplate, Workshop
from binome.cohorts.services import create_cohort
from binome.pairing.models import Duo
from conftest import Cast

PARIS = ZoneInfo("Europe/Paris")
BEFORE_START = datetime(2027, 1, 15, 10, 0, tzinfo=PARIS)


@dataclass
class Programme:
    cast: Cast
    template: ProgrammeTemplate
    cohort: Cohort
    lyon_cohort: Cohort
    duo: Duo

    def workshop(self, kind: str, cohort: Cohort | None = None) -> Workshop:
        return (cohort or self.cohort).workshops.filter(kind=kind).order_by("starts_at").first()  # type: ignore[return-value]


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(BEFORE_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def programme(cast: Cast, frozen: Any) -> Programme:
    template = ProgrammeTemplate.objects.get(is_default=True)
    cohort = create_cohort(
        territory=cast.paris,
        name="Paris printemps 2027",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 8, 30),
        template=template,
        actor=cast.amara,
    )
    lyon_cohort = create_cohort(
        territory=cast.lyon,
        name="Lyon printemps 2027",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 8, 30),
        template=template,
        actor=cast.lucie,
    )
    duo = Duo.objects.create(cohort=cohort, mentor=cast.ben, mentee=cast.chloe, started_on=date(2027, 3, 8))
    Duo.objects.create(cohort=lyon_cohort, mentor=cast.dev, mentee=cast.leila, started_on=date(2027, 3, 8))
    return Programme(cast=cast, template=template, cohort=cohort, lyon_cohort=lyon_cohort, duo=duo)


@pytest.fixture
def keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker recycles database connections between tasks; inside a test transaction that
    would close it (on PostgreSQL). See binome/lib/tests/test_email_worker.py."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())
