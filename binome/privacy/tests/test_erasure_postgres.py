"""Erasure on PostgreSQL: a full `pg_dump` of the database afterwards holds none of the person's
canaries, and the KPIs (duos, meetings, outcomes) are unchanged.

Run with DATABASE_URL=postgres://… (skipped on SQLite). The data is committed (a transactional
test), since pg_dump reads from its own connection.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.db import connection

from binome.accounts.models import User
from binome.impact import kpis
from binome.impact.models import Outcome
from binome.meetings.models import Meeting
from binome.pairing.models import MatchRun
from binome.privacy.erasure import erase_person
from binome.privacy.tests.canaries import plant_duo_texts, plant_identity, plant_in_mentee, with_decrypted_tokens
from conftest import APPS_BUT_REFERENCE, Cast

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE),
]
TODAY = date(2026, 11, 1)


def pg_dump() -> str:
    """The whole test database as SQL (data of every table), with encrypted values decrypted."""
    db: dict[str, Any] = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"]]
    if db["PORT"]:
        command += ["-p", str(db["PORT"])]
    env = os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})
    result = subprocess.run([*command, db["NAME"]], capture_output=True, text=True, check=True, env=env)
    return with_decrypted_tokens(result.stdout)


def kpi_figures() -> list[tuple[Any, ...]]:
    slice_ = kpis.Slice()
    figures = [(f.key, f.numerator, f.denominator, f.unknown) for f in kpis.figures(slice_, today=TODAY)]
    return figures + [(s.key, s.count) for s in kpis.funnel(slice_, today=TODAY)]


def seed(cast: Cast) -> dict[str, str]:
    person = cast.chloe.person
    planted = plant_identity(person, prefix="pg")
    planted |= plant_in_mentee(cast.chloe, cast.paris_duo, cast.chloe_referral, prefix="pg")
    planted |= plant_duo_texts(cast.paris_duo, prefix="pg")
    del planted["phone"]  # a plausible phone number, checked separately below
    Meeting.objects.filter(duo=cast.paris_duo).update(
        confirmed_at=datetime.combine(cast.paris_duo.cohort.starts_on, time(12), tzinfo=UTC)
    )
    Outcome.objects.create(
        person=person, duo=cast.paris_duo, kind=Outcome.Kind.CDI, date=date(2026, 8, 1), source="staff"
    )
    MatchRun.objects.create(
        cohort=cast.paris_duo.cohort,
        number=7,
        engine_version="t",
        inputs={"mentees": [{"id": cast.chloe.pk, "lat": 48.8566123, "lon": 2.3522456}], "mentors": []},
    )
    User.objects.filter(pk=cast.chloe_user.pk).update(email=planted["email"], first_name=planted["first_name"])
    return planted


def test_a_full_dump_after_erasure_holds_none_of_the_person_s_canaries(cast: Cast) -> None:
    planted = seed(cast)
    before_dump = pg_dump()
    present = [name for name, value in planted.items() if value in before_dump]
    assert sorted(present) == sorted(planted)  # every canary is in the dump before: the check can fail
    assert "48.8566123" in before_dump
    before = kpi_figures()

    erase_person(cast.chloe.person, actor=cast.amara)

    dump = pg_dump()
    leaked = [name for name, value in planted.items() if value in dump]
    print(f"erasure dump check: {len(planted)} canaries, {len(leaked)} found after erasure")
    assert leaked == []
    assert "+33 6 99 88 77 66" not in dump
    assert "48.8566123" not in dump  # the home's coordinates in the matching snapshot
    assert kpi_figures() == before
