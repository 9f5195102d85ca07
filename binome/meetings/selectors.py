"""Reads of the meeting log: a duo's meetings, skills-sponsorship hours per mentor and company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from binome.cohorts.models import Cohort
from binome.cohorts.selectors import cohorts_visible_to, workshop_minutes_by_mentor
from binome.meetings.models import Alert, AlertNote, Meeting
from binome.organisations.models import Organisation
from binome.people.models import MentorProfile

TRAINING_DAY_HOURS = 7
#: The sponsorship agreement: three days of seven hours per six-month cohort.
COMMITMENT_HOURS = 3 * 7
#: The training day happens before the cohort starts; it counts towards that cohort.
TRAINING_LEAD_DAYS = 120


@dataclass(frozen=True)
class Hours:
    training: float
    meetings: float
    workshops: float = 0.0
    commitment: float = COMMITMENT_HOURS

    @property
    def total(self) -> float:
        return self.training + self.meetings + self.workshops

    @property
    def days(self) -> float:
        return self.total / TRAINING_DAY_HOURS

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.commitment) if self.commitment else 0


def period_of(cohort: Cohort) -> tuple[date, date]:
    return cohort.starts_on - timedelta(days=TRAINING_LEAD_DAYS), cohort.ends_on


def _training_hours(mentor: MentorProfile, start: date, end: date) -> float:
    trained = mentor.training_status == MentorProfile.Training.COMPLETED and mentor.trained_on is not None
    return float(TRAINING_DAY_HOURS) if trained and start <= mentor.trained_on <= end else 0.0  # type: ignore[operator]


def confirmed_meetings(mentor_ids: list[int], start: date, end: date) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        duo__mentor_id__in=mentor_ids, confirmed_at__isnull=False, held_on__gte=start, held_on__lte=end
    )


def mentor_hours(mentor: MentorProfile, *, start: date, end: date) -> Hours:
    minutes = confirmed_meetings([mentor.pk], start, end).aggregate(m=Sum("duration_minutes"))["m"] or 0
    workshops = workshop_minutes_by_mentor([mentor.pk], start, end).get(mentor.pk, 0)
    return Hours(training=_training_hours(mentor, start, end), meetings=minutes / 60, workshops=workshops / 60)


@dataclass(frozen=True)
class CompanyHours:
    company: Organisation
    rows: list[tuple[MentorProfile, Hours]]

    @property
    def total(self) -> float:
        return sum(hours.total for _mentor, hours in self.rows)


def company_hours(company: Organisation, *, start: date, end: date) -> CompanyHours:
    """Each employee's hours over a period, in three queries whatever the number of employees."""
    mentors = list(MentorProfile.objects.filter(company=company).select_related("person").order_by("person__last_name"))
    minutes = dict(
        confirmed_meetings([m.pk for m in mentors], start, end)
        .values("duo__mentor_id")
        .annotate(m=Sum("duration_minutes"))
        .values_list("duo__mentor_id", "m")
    )
    workshops = workshop_minutes_by_mentor([m.pk for m in mentors], start, end)
    rows = [
        (
            m,
            Hours(
                training=_training_hours(m, start, end),
                meetings=(minutes.get(m.pk) or 0) / 60,
                workshops=workshops.get(m.pk, 0) / 60,
            ),
        )
        for m in mentors
    ]
    return CompanyHours(company, rows)


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
