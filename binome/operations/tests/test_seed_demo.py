from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from binome.accounts.models import Role, User
from binome.organisations.models import Organisation
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
    ]


def seed_and_snapshot(seed: int) -> list[Any]:
    with transaction.atomic():
        call_command("seed_demo", seed=seed, anchor=ANCHOR, stdout=StringIO())
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    first = seed_and_snapshot(7)
    assert first == seed_and_snapshot(7)
    assert first != seed_and_snapshot(8)


def test_the_demo_has_the_promised_shape_and_logins() -> None:
    out = StringIO()
    call_command("seed_demo", anchor=ANCHOR, stdout=out)
    companies = Organisation.objects.filter(kind="company", mentors__isnull=False).distinct()
    assert companies.count() == 20  # lending mentors; prospects of the pipeline come on top
    assert sum(c.is_sme for c in companies) == 7  # about a third
    assert Organisation.objects.filter(kind="ngo").count() == 8
    assert 130 <= MentorProfile.objects.count() <= 170
    assert MenteeProfile.objects.exclude(person__referrals__source="public").count() == 200
    assert Referral.objects.filter(partner__isnull=False).count() == 200
    assert set(Person.objects.values_list("territory__slug", flat=True)) == {"paris", "lyon", "tours"}
    assert Referral.objects.values("status").distinct().count() >= 8  # every stage has people
    assert Organisation.objects.get(slug="paris-ngo").territory.slug == "paris"
    for email in ["admin", "coord.paris", "coord.lyon", "company", "mentor", "mentee", "partner", "funder"]:
        assert authenticate(email=f"{email}@demo.binome.fr", password="demo-binome-2026") is not None, email
        assert f"{email}@demo.binome.fr" in out.getvalue()
    mentor_person = Role.objects.get(user__email="mentor@demo.binome.fr").person
    mentee_person = Role.objects.get(user__email="mentee@demo.binome.fr").person
    assert Duo.objects.filter(mentor__person=mentor_person, mentee__person=mentee_person, status="active").exists()
    assert Role.objects.get(user__email="company@demo.binome.fr").organisation == mentor_person.mentor_profile.company


def test_seeding_refuses_a_database_with_data_unless_asked_to_skip() -> None:
    User.objects.create_user(email="real@example.org", password="x" * 14)
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "left untouched" in out.getvalue()
    assert not Person.objects.exists()
