"""An autumn Paris cohort ready to match, on top of the shared cast."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation
from django.utils.text import slugify

from binome.cohorts.models import Cohort
from binome.people.models import MenteeProfile, MentorProfile
from binome.people.services import create_mentee_profile, create_mentor_profile, create_person, set_languages
from binome.sourcing.models import Referral
from conftest import PARIS, Cast

SAINT_DENIS = 2980236  # a Paris-area place id from the reference data (checked in the fixture)


@dataclass
class Autumn:
    cohort: Cohort
    ines: MentorProfile  # Acme developer, two places
    omar: MentorProfile  # Boulangerie Martin baker, speaks Arabic
    tom: MentorProfile  # not trained yet
    samir: MenteeProfile  # wants to be a developer
    yara: MenteeProfile  # wants to be a baker
    mina: MenteeProfile  # developer too
    ali: MenteeProfile  # French A2, Pashto: nobody shares a working language


def mentor(cast: Cast, first: str, company: Any, rome: str, languages: dict[str, str], **fields: Any) -> MentorProfile:
    person = create_person(
        actor=None, first_name=first, last_name="Mentor", territory=cast.paris, email=f"{slugify(first)}@mentor.test"
    )
    set_languages(person, languages, actor=None)
    fields.setdefault("training_status", MentorProfile.Training.COMPLETED)
    return create_mentor_profile(
        person, actor=None, company=company, job_title=rome, occupation_id=rome, workplace_id=PARIS, **fields
    )


def mentee(
    cohort: Cohort, cast: Cast, first: str, target: str, french: str, languages: dict[str, str]
) -> MenteeProfile:
    person = create_person(
        actor=None, first_name=first, last_name="Mentee", territory=cast.paris, email=f"{slugify(first)}@mentee.test"
    )
    set_languages(person, {**languages, "fr": french}, actor=None)
    profile = create_mentee_profile(
        person, actor=None, targets=[target], protection_status="refugee", french_level=french, home_id=PARIS
    )
    Referral.objects.create(person=person, partner=cast.paris_ngo, status=Referral.Status.ENROLLED, cohort=cohort)
    return profile


@pytest.fixture
def autumn(cast: Cast) -> Autumn:
    cohort = Cohort.objects.create(
        territory=cast.paris,
        name="Paris automne",
        starts_on=date(2026, 12, 15),
        ends_on=date(2027, 6, 15),
        status=Cohort.Status.MATCHING,
    )
    return Autumn(
        cohort=cohort,
        ines=mentor(cast, "Inès", cast.acme, "M1805", {"fr": "native", "en": "C1"}, capacity=2),
        omar=mentor(cast, "Omar", cast.boulangerie, "D1102", {"fr": "native", "ar": "native"}),
        tom=mentor(
            cast, "Tom", cast.acme, "M1805", {"fr": "native"}, training_status=MentorProfile.Training.NOT_STARTED
        ),
        samir=mentee(cohort, cast, "Samir", "M1805", "B1", {"ar": "native"}),
        yara=mentee(cohort, cast, "Yara", "D1102", "B2", {"ar": "native"}),
        mina=mentee(cohort, cast, "Mina", "M1805", "B1", {"fa": "native"}),
        ali=mentee(cohort, cast, "Ali", "M1805", "A2", {"ps": "native"}),
    )


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Service errors are asserted on their English source text; pages set their own language."""
    with translation.override("en"):
        yield
