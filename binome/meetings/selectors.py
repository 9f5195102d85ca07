"""Reads of the meeting log: a duo's meetings, skills-sponsorship hours per mentor and company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from binome.cohorts.models import Cohort
from binome.cohorts.selectors import cohorts_visible_to
from binome.meetings.hours import TRAINING_LEAD_DAYS, Period, Tally, ledger, tally, tally_by_mentor
from binome.meetings.models import Alert, AlertNote
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MentorProfile

TRAINING_DAY_HOURS = 7
#: The sponsorship agreement: three days of seven hours per six-month cohort.
COMMITMENT_HOURS = 3 * 7


@dataclass(frozen=True)
class Hours:
    training: float
    meetings: float
    workshops: float = 0.0
    commitment: float = COMMITMENT_HOURS
    phone: float = 0.0  # of the meetings, those a member confirmed on the phone
    period: Period | None = None  # the period these hours were counted over, for the page to say

    @property
    def total(self) -> float:
        return self.training + self.meetings + self.workshops

    @property
    def days(self) -> float:
        return self.total / TRAINING_DAY_HOURS

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.commitment) if self.commitment else 0


def hours_of(counted: Tally, period: Period | None = None) -> Hours:
    return Hours(
        training=counted.training_minutes / 60,
        meetings=counted.meeting_minutes / 60,
        workshops=counted.workshop_minutes / 60,
        phone=counted.phone_minutes / 60,
        period=period,
    )


def period_of(cohort: Cohort) -> tuple[date, date]:
    return cohort.starts_on - timedelta(days=TRAINING_LEAD_DAYS), cohort.ends_on


def mentor_hours(mentor: MentorProfile, *, start: date | None, end: date | None) -> Hours:
    """A mentor's hours over a period, from the hours ledger."""
    period = Period(start, end)
    return hours_of(tally(ledger(period=period, mentor_ids=[mentor.pk])), period)


def duo_hours(duo: Duo, *, start: date | None, end: date | None) -> Hours:
    """The hours of one duo's meetings over a period, from the hours ledger (training and workshops
    belong to the mentor, not to a duo)."""
    period = Period(start, end)
    rows = [row for row in ledger(period=period, mentor_ids=[duo.mentor_id]) if row.duo_id == duo.pk]
    return hours_of(tally(rows), period)


@dataclass(frozen=True)
class CompanyHours:
    company: Organisation
    rows: list[tuple[MentorProfile, Hours]]
    period: Period | None = None

    @property
    def total(self) -> float:
        return sum(hours.total for _mentor, hours in self.rows)


def company_hours(company: Organisation, *, start: date | None, end: date | None) -> CompanyHours:
    """Each employee's hours over a period, from the hours ledger, whatever the number of employees
    in a constant number of queries."""
    period = Period(start, end)
    mentors = list(MentorProfile.objects.filter(company=company).select_related("person").order_by("person__last_name"))
    by_mentor = tally_by_mentor(ledger(period=period, mentor_ids=[m.pk for m in mentors]))
    return CompanyHours(company, [(m, hours_of(by_mentor.get(m.pk, Tally()), period)) for m in mentors], period)


def alerts_needing_attention(user: object, *, territory_id: int | None = None) -> QuerySet[Alert]:
    """Open alerts of the duos the viewer coordinates, oldest first, with what the page shows.

    A constant number of queries whatever the number of duos and meetings (the notes are
    prefetched; the last confirmed meeting is an annotation).
    """
    alerts = Alert.objects.filter(status=Alert.Status.OPEN, duo__cohort__in=cohorts_visible_to(user))
    if territory_id is not None:
        alerts = alerts.filter(duo__cohort__territory_id=territory_id)
    return (
        alerts.select_related(
            "duo__cohort__territory", "duo__mentor__person", "duo__mentor__company", "duo__mentee__person"
        )
        .annotate(
            last_meeting=Max("duo__meetings__held_on", filter=Q(duo__meetings__confirmed_at__isnull=False)),
            meetings=Count("duo__meetings", filter=Q(duo__meetings__confirmed_at__isnull=False), distinct=True),
        )
        .prefetch_related(Prefetch("notes", queryset=AlertNote.objects.select_related("actor")))
        .order_by("raised_on", "pk")
    )


def alert_for(user: object, alert_id: int) -> Alert:
    return get_object_or_404(
        Alert.objects.filter(duo__cohort__in=cohorts_visible_to(user)).select_related("duo"), pk=alert_id
    )
