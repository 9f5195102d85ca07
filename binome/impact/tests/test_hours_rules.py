"""The hours figure follows the hours ledger's rules for the slice's duos, counted by hand here:
a training day counts once, in the first of the mentor's cohorts whose window holds it (even when
the slice is another of the mentor's cohorts); a workshop counts in whole minutes for each mentor
of the slice who attended it, never the training day's workshop nor a cancelled one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from binome.cohorts.models import Cohort, ItemKind, Workshop, WorkshopInvitation
from binome.impact import kpis
from binome.impact.kpis import Slice
from binome.meetings.hours import Period, ledger, tally

from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


def _hours(slice_: Slice) -> float:
    with time_machine.travel("2026-12-01 10:00 +0100", tick=False):
        figures = {fig.key: fig for fig in kpis.figures(slice_, today=TODAY)}
    return float(figures["hours"].numerator)


def _workshop(cohort: Cohort, day: date, duration: timedelta, **fields: object) -> Workshop:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=14))
    return Workshop.objects.create(
        cohort=cohort,
        kind=fields.pop("kind", "codes_workshop"),
        title="W",
        starts_at=start,
        ends_at=start + duration,
        **fields,
    )


def test_training_day_once_in_the_first_fitting_cohort_and_workshops_in_whole_minutes(cast):
    spring = cast.lyon_duo.cohort  # 1 March – 1 September 2026; Dev's duo with Leïla, no meeting
    autumn = Cohort.objects.create(
        territory=cast.lyon, name="Lyon automne", starts_on=date(2026, 5, 1), ends_on=date(2026, 11, 1)
    )
    f.duo(autumn, cast.dev, f.mentee(cast.lyon), meetings=2)  # 2 × 90 min
    cast.dev.trained_on = date(2026, 2, 1)  # in both cohorts' windows (120 days before the start)
    cast.dev.save()
    dev = cast.dev.person
    attended = _workshop(autumn, date(2026, 6, 10), timedelta(minutes=90, seconds=40))  # 90 whole minutes
    WorkshopInvitation.objects.create(workshop=attended, person=dev, role="mentor", present=True)
    missed = _workshop(autumn, date(2026, 7, 10), timedelta(hours=2))
    WorkshopInvitation.objects.create(workshop=missed, person=dev, role="mentor", present=False)
    cancelled = _workshop(autumn, date(2026, 7, 20), timedelta(hours=2), status=Workshop.Status.CANCELLED)
    WorkshopInvitation.objects.create(workshop=cancelled, person=dev, role="mentor", present=True)
    training = _workshop(spring, date(2026, 2, 1), timedelta(hours=7), kind=ItemKind.MENTOR_TRAINING)
    WorkshopInvitation.objects.create(workshop=training, person=dev, role="mentor", present=True)
    later = _workshop(spring, date(2026, 12, 20), timedelta(hours=1))  # after today
    WorkshopInvitation.objects.create(workshop=later, person=dev, role="mentor", present=True)

    # By hand: spring has the training day (7 h, spring starts first) and nothing else;
    # autumn has its two meetings (3 h) and the workshop Dev attended (90 min).
    assert _hours(Slice(cohort_id=spring.pk)) == pytest.approx(7)
    assert _hours(Slice(cohort_id=autumn.pk)) == pytest.approx(3 + 1.5)
    assert _hours(Slice(territory_id=cast.lyon.pk)) == pytest.approx(7 + 3 + 1.5)
    # And the ledger itself says the same of Dev.
    counted = tally(ledger(period=Period(None, TODAY), mentor_ids=[cast.dev.pk]))
    assert counted.total_hours == pytest.approx(7 + 3 + 1.5)
