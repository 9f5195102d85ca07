"""The hours ledger: every hour of skills sponsorship, counted once.

One row per source of hours: a mentor's training day, a counted meeting (see `COUNTED`: confirmed
by the member who did not record it, in Binôme or on the phone to a coordinator), a workshop a
mentor attended. Each row names one mentor, one duo (a meeting) or one workshop, one company and
one date. Every page, statement and figure that shows hours reads these rows, filtered by the
one period rule of `Period.contains`: an hour belongs to the period that contains the day it
happened (the meeting's date, the training day, the workshop's Paris date).

The company is the mentor's employer as recorded on their profile: Binôme keeps no history of
employers, so a mentor who changes company takes their past hours with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from binome.cohorts.models import ItemKind, Workshop, WorkshopInvitation
from binome.meetings.models import COUNTED, Meeting
from binome.pairing.models import Duo
from binome.people.models import MentorProfile

PARIS = ZoneInfo("Europe/Paris")
TRAINING_DAY_MINUTES = 7 * 60
#: The training day happens before the cohort starts; it counts towards that cohort.
TRAINING_LEAD_DAYS = 120
TRAINING, MEETING, WORKSHOP = "training", "meeting", "workshop"


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included; None leaves that side open."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        """THE period rule of every hours figure: by the day the hour happened."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def label(self) -> str:
        """How every page names the period of its hours."""
        if self.start and self.end:
            return _("from %(start)s to %(end)s") % {"start": _day(self.start), "end": _day(self.end)}
        if self.end:
            return _("up to %(end)s") % {"end": _day(self.end)}
        if self.start:
            return _("since %(start)s") % {"start": _day(self.start)}
        return _("since the start of the programme")

    def has_ended(self, today: date | None = None) -> bool:
        return self.end is not None and self.end < (today or timezone.localdate())


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def last_months(today: date | None = None, days: int = 183) -> Period:
    """The default period of the pages without one of their own: the last six months."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=days), today)


@dataclass(frozen=True)
class HourRow:
    source: str  # TRAINING, MEETING or WORKSHOP
    on: date
    minutes: int
    mentor_id: int
    company_id: int | None
    cohort_id: int | None  # the duo's or the workshop's cohort; for training, the cohort it prepares
    duo_id: int | None = None
    workshop_id: int | None = None
    by_phone: bool = False  # a meeting a member confirmed on the phone to a coordinator


@dataclass(frozen=True)
class Tally:
    """Minutes by source (exact); hours are minutes / 60."""

    training_minutes: int = 0
    meeting_minutes: int = 0
    workshop_minutes: int = 0
    phone_minutes: int = 0  # of which meetings confirmed on the phone

    @property
    def total_minutes(self) -> int:
        return self.training_minutes + self.meeting_minutes + self.workshop_minutes

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60


def tally(rows: Iterable[HourRow]) -> Tally:
    minutes: dict[str, int] = defaultdict(int)
    phone = 0
    for row in rows:
        minutes[row.source] += row.minutes
        phone += row.minutes if row.by_phone else 0
    return Tally(minutes[TRAINING], minutes[MEETING], minutes[WORKSHOP], phone)


def tally_by_mentor(rows: Iterable[HourRow]) -> dict[int, Tally]:
    grouped: dict[int, list[HourRow]] = defaultdict(list)
    for row in rows:
        grouped[row.mentor_id].append(row)
    return {mentor_id: tally(mentor_rows) for mentor_id, mentor_rows in grouped.items()}


def ledger(
    *,
    period: Period,
    mentor_ids: Iterable[int] | None = None,
    company_ids: Iterable[int] | None = None,
) -> list[HourRow]:
    """The rows of the chosen mentors (or of the employees of the chosen companies) in the period,
    by date. Five queries whatever the number of mentors."""
    mentors = MentorProfile.objects.all()
    if mentor_ids is not None:
        mentors = mentors.filter(pk__in=list(mentor_ids))
    if company_ids is not None:
        mentors = mentors.filter(company_id__in=list(company_ids))
    employer = dict(mentors.values_list("pk", "company_id"))
    rows = [*_training_rows(employer), *_meeting_rows(employer), *_workshop_rows(employer)]
    return sorted((row for row in rows if period.contains(row.on)), key=lambda row: (row.on, row.source))


def _training_rows(employer: Mapping[int, int | None]) -> list[HourRow]:
    trained = MentorProfile.objects.filter(
        pk__in=employer, training_status=MentorProfile.Training.COMPLETED, trained_on__isnull=False
    ).values_list("pk", "trained_on")
    cohorts: dict[int, set[tuple[date, date, int]]] = defaultdict(set)
    for mentor_id, *cohort in Duo.objects.filter(mentor_id__in=employer).values_list(
        "mentor_id", "cohort__starts_on", "cohort__ends_on", "cohort_id"
    ):
        cohorts[mentor_id].add(tuple(cohort))  # type: ignore[arg-type]
    return [
        HourRow(TRAINING, day, TRAINING_DAY_MINUTES, mentor_id, employer[mentor_id],
                _prepared_cohort(day, cohorts[mentor_id]))
        for mentor_id, day in trained
        if day is not None  # never: the query asks for a training day
    ]  # fmt: skip


def _prepared_cohort(day: date, cohorts: set[tuple[date, date, int]]) -> int | None:
    """The first of the mentor's cohorts whose window (from TRAINING_LEAD_DAYS before its start
    to its end) contains the training day: one training day counts towards one cohort only."""
    fitting = [
        (starts_on, cohort_id)
        for starts_on, ends_on, cohort_id in cohorts
        if starts_on - timedelta(days=TRAINING_LEAD_DAYS) <= day <= ends_on
    ]
    return min(fitting)[1] if fitting else None


def _meeting_rows(employer: Mapping[int, int | None]) -> list[HourRow]:
    meetings = Meeting.objects.filter(COUNTED, duo__mentor_id__in=employer).values_list(
        "duo__mentor_id", "duo_id", "duo__cohort_id", "held_on", "duration_minutes", "confirmed_as"
    )
    return [
        HourRow(MEETING, held_on, minutes, mentor_id, employer[mentor_id], cohort_id, duo_id=duo_id,
                by_phone=confirmed_as == Meeting.Confirmation.PHONE)
        for mentor_id, duo_id, cohort_id, held_on, minutes, confirmed_as in meetings
    ]  # fmt: skip


def _workshop_rows(employer: Mapping[int, int | None]) -> list[HourRow]:
    """Workshops attended (marked present) by the mentors, not cancelled. The mentor training day
    is not a workshop here: its hours are the training row."""
    attended = (
        WorkshopInvitation.objects.filter(
            Q(person__mentor_profile__id__in=employer), present=True, workshop__status=Workshop.Status.PLANNED
        )
        .exclude(workshop__kind=ItemKind.MENTOR_TRAINING)
        .values_list("person__mentor_profile__id", "workshop_id", "workshop__cohort_id", "workshop__starts_at",
                     "workshop__ends_at")
    )  # fmt: skip
    return [
        HourRow(WORKSHOP, starts_at.astimezone(PARIS).date(), int((ends_at - starts_at).total_seconds() // 60),
                mentor_id, employer[mentor_id], cohort_id, workshop_id=workshop_id)
        for mentor_id, workshop_id, cohort_id, starts_at, ends_at in attended
    ]  # fmt: skip
