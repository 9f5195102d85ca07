from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from binome.accounts.models import User
from binome.cohorts.models import WorkshopInvitation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.sourcing.models import Referral

pytestmark = pytest.mark.django_db
ANCHOR = date(2026, 11, 2)


def snapshot() -> list[Any]:
    return [
        list(
            Person.objects.order_by("pk").values_list(
                "first_name", "last_name", "email", "territory__slug", "date_of_birth"
            )
        ),
        list(
            MentorProfile.objects.order_by("pk").values_list(
                "company__slug", "occupation_id", "training_status", "capacity"
            )
        ),
        list(MenteeProfile.objects.order_by("pk").values_list("protection_status", "french_level", "home_id")),
        list(Referral.objects.order_by("pk").values_list("partner__slug", "status", "referred_at")),
        list(
            Duo.objects.order_by("pk").values_list("mentor__person__last_name", "mentee__person__last_name", "status")
        ),
        # The programmes: calendars, invitations and attendance.
        list(
            WorkshopInvitation.objects.order_by(
                "workshop__cohort__name", "workshop__starts_at", "person__email"
            ).values_list("workshop__title", "workshop__place", "person__email", "present")
        ),
    ]


def seed_and_snapshot(seed: int) -> list[Any]:
    with transaction.atomic():
        call_command("seed_demo", seed=seed, anchor=ANCHOR, stdout=StringIO())
        result = snapshot()
        transaction.set_rollback(True)
    return result


@pytest.mark.long
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    first = seed_and_snapshot(7)
    assert first == seed_and_snapshot(7)
    assert first != seed_and_snapshot(8)


def test_seeding_refuses_a_database_with_data_unless_asked_to_skip() -> None:
    User.objects.create_user(email="real@example.org", password="x" * 14)
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "left untouched" in out.getvalue()
    assert not Person.objects.exists()
