"""Small builders for impact tests: people, duos and meetings without going through every service."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count
from typing import Any

from django.utils import timezone

from binome.cohorts.models import Cohort
from binome.impact.models import Outcome, Source
from binome.meetings.models import Meeting
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.territories.models import Territory

_n = count(1)


def mentee(territory: Territory, first: str | None = None) -> MenteeProfile:
    i = next(_n)
    person = Person.objects.create(first_name=first or f"Mentee{i}", last_name=f"Test{i}", territory=territory)
    return MenteeProfile.objects.create(person=person, protection_status="refugee", french_level="B1")


def mentor(territory: Territory, company: Organisation, first: str | None = None) -> MentorProfile:
    i = next(_n)
    person = Person.objects.create(first_name=first or f"Mentor{i}", last_name=f"Test{i}", territory=territory)
    return MentorProfile.objects.create(
        person=person, company=company, job_title="Analyste", occupation_id="M1805", capacity=2
    )


def duo(
    cohort: Cohort,
    mentor_: MentorProfile,
    mentee_: MenteeProfile,
    *,
    status: str = Duo.Status.COMPLETED,
    started_on: date | None = None,
    ended_on: date | None = None,
    meetings: int = 1,
    unconfirmed: int = 0,
) -> Duo:
    d = Duo.objects.create(
        cohort=cohort,
        mentor=mentor_,
        mentee=mentee_,
        status=status,
        started_on=started_on or cohort.starts_on,
        ended_on=ended_on,
    )
    add_meetings(d, meetings)
    add_meetings(d, unconfirmed, confirmed=False)
    return d


def add_meetings(d: Duo, n: int, *, confirmed: bool = True, start: date | None = None) -> None:
    first = start or d.started_on
    Meeting.objects.bulk_create(
        Meeting(
            duo=d,
            held_on=first.replace(day=min(28, first.day + k % 20)),
            duration_minutes=90,
            mode="in_person",
            topics=["cv"],
            recorded_as="mentor",
            confirmed_at=timezone.make_aware(datetime.combine(first, time(12))) if confirmed else None,
            confirmed_as="mentee" if confirmed else "",  # the other member: the meeting counts
        )
        for k in range(n)
    )


def three_duos(cast: Any) -> Any:
    """Paris: Chloé with Ben (Acme, completed) and Omar with Eve (Boulangerie Martin, ended early);
    Lyon: Leïla with Dev (completed); each with a staff-recorded outcome on 1 July 2026."""
    add_meetings(cast.paris_duo, 2)
    add_meetings(cast.lyon_duo, 2)
    Duo.objects.filter(pk__in=[cast.paris_duo.pk, cast.lyon_duo.pk]).update(status="completed")
    eve = mentor(cast.paris, cast.boulangerie, "Eve")
    omar = mentee(cast.paris, "Omar")
    duo(cast.paris_duo.cohort, eve, omar, status=Duo.Status.ENDED_EARLY, ended_on=date(2026, 5, 1))
    for person, kind in ((cast.chloe.person, "cdi"), (omar.person, "training"), (cast.leila.person, "cdd")):
        Outcome.objects.create(person=person, kind=kind, date=date(2026, 7, 1), source=Source.STAFF)
    return cast
