from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import translation

from binome.surveys import services
from binome.surveys.models import Invitation, Wave
from conftest import Cast


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Service errors are asserted on their English source text; pages set their own language."""
    with translation.override("en"):
        yield


@pytest.fixture
def instruments(db: object) -> None:
    services.load_instruments()


def wave_of(cast: Cast, code: str, lyon: bool = False) -> Wave:
    """The cast's Paris (or Lyon) cohort wave of an instrument, scheduled from the cohort's dates."""
    duo = cast.lyon_duo if lyon else cast.paris_duo
    services.schedule_waves(duo.cohort)
    return Wave.objects.get(cohort=duo.cohort, instrument__code=code)


def invite(cast: Cast, code: str, lyon: bool = False) -> Invitation:
    """The invitation of the cast's mentee (or the mentor, for a mentor instrument) to a wave, open today."""
    wave = wave_of(cast, code, lyon)
    services.invite_wave(wave, wave.opens_on, notify=False)
    return wave.invitations.get()


@pytest.fixture
def survey_day() -> date:
    return date(2026, 9, 1)
