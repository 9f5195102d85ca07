"""Helpers shared by the enrolment and training tests: links, sessions and a filled-in form."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from binome.organisations.models import Organisation
from binome.people.models import MentorProfile
from binome.people.services import create_mentor_profile, create_person
from binome.sourcing.models import MentorInvitation, TrainingSession
from binome.territories.models import Territory

GOOD_PASSWORD = "Mentorat-Solide-2027!"


def link(company: Organisation, *, days_left: int = 30, started: int = 10, **extra: Any) -> MentorInvitation:
    today = timezone.localdate()
    return MentorInvitation.objects.create(
        company=company,
        label=extra.pop("label", "Printemps 2027"),
        valid_from=today - timedelta(days=started),
        valid_until=today + timedelta(days=days_left),
        **extra,
    )


def session(territory: Territory, *, days_from_now: int = 14, capacity: int = 20) -> TrainingSession:
    starts = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days_from_now), datetime.min.time())
    )
    return TrainingSession.objects.create(
        territory=territory, starts_at=starts.replace(hour=9), place="Maison des associations", capacity=capacity
    )


def new_mentor(
    company: Organisation, first: str = "Inès", status: str = MentorProfile.Training.NOT_STARTED
) -> MentorProfile:
    assert company.territory is not None
    person = create_person(
        actor=None,
        first_name=first,
        last_name="Morel",
        territory=company.territory,
        email=f"{slugify(first)}@acme.test",
    )
    return create_mentor_profile(
        person, actor=None, company=company, job_title="Comptable", occupation_id="M1203", training_status=status
    )


def enrolment_payload(*, account: bool = True, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "first_name": "Inès",
        "last_name": "Morel",
        "phone": "06 12 34 56 78",
        "gender": "female",
        "job_title": "Cheffe de projet",
        "occupation": "M1805",
        "workplace": "Paris",
        "capacity": "2",
        "gender_preference": "",
        "meeting_mode": "either",
        "availability": ["tue_eve", "sat_am"],
        "language_1": "fr",
        "level_1": "native",
        "language_2": "en",
        "level_2": "C1",
    }
    if account:
        payload.update(
            {
                "account-email": "ines.morel@acme.test",
                "account-password1": GOOD_PASSWORD,
                "account-password2": GOOD_PASSWORD,
                "account-website": "",
            }
        )
    payload.update(changes)
    return payload


def a_date(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
