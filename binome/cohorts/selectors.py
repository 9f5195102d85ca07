"""Reads across cohorts, workshops and attendance. Meetings' hours and engagement rules use
`workshop_minutes_by_mentor` and `missed_workshops_by_person`. Who a workshop is for, and what a
mentor or mentee sees, depend on duos: those reads are in binome/pairing/workshops.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.cohorts.models import (
    Cohort,
    ItemKind,
    ProgrammeTemplate,
    Workshop,
    WorkshopInvitation,
)

PARIS = ZoneInfo("Europe/Paris")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def cohort_calendar(cohort: Cohort) -> QuerySet[Workshop]:
    return cohort.workshops.annotate(
        n_invited=Count("invitations"),
        n_present=Count("invitations", filter=Q(invitations__present=True)),
        n_absent=Count("invitations", filter=Q(invitations__present=False)),
    ).order_by("starts_at", "pk")


def cohorts_with_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    return cohorts.select_related("territory", "template").annotate(
        n_workshops=Count("workshops", distinct=True), n_duos=Count("duos", distinct=True)
    )


# --- for meetings/ (hours and engagement) -----------------------------------------


def workshop_minutes_by_mentor(mentor_ids: list[int], start: date, end: date) -> dict[int, int]:
    """Minutes of workshops each mentor (MentorProfile id) attended between two dates
    (inclusive, by the workshop's Paris date). The mentor training day is left out: its hours
    come from the training attendance. One query."""
    rows = WorkshopInvitation.objects.filter(
        present=True,
        person__mentor_profile__id__in=mentor_ids,
        workshop__status=Workshop.Status.PLANNED,
        workshop__starts_at__gte=_midnight(start),
        workshop__starts_at__lt=_midnight(end + timedelta(days=1)),
    ).exclude(workshop__kind=ItemKind.MENTOR_TRAINING)
    minutes: dict[int, int] = defaultdict(int)
    for mentor_id, starts_at, ends_at in rows.values_list(
        "person__mentor_profile__id", "workshop__starts_at", "workshop__ends_at"
    ):
        minutes[mentor_id] += int((ends_at - starts_at).total_seconds() // 60)
    return dict(minutes)


def missed_workshops_by_person(person_ids: list[int], since: date) -> dict[int, int]:
    """Workshops each person (Person id) was invited to, that took place (not cancelled, over)
    on or after `since`, and where they were marked absent. One query."""
    rows = (
        WorkshopInvitation.objects.filter(
            person_id__in=person_ids,
            present=False,
            workshop__status=Workshop.Status.PLANNED,
            workshop__starts_at__gte=_midnight(since),
            workshop__ends_at__lte=timezone.now(),
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["person_id"]: row["n"] for row in rows}


def workshops_visible_to(user: Any) -> QuerySet[Workshop]:
    """Staff pages: workshops of the cohorts the user may manage (404 for the others). Spelled
    on the scope's ids (like `cohorts_visible_to`), not as a nested scoped queryset: cheaper to
    compile and to run."""
    scope = scope_of(user)
    return scope.visible(Workshop.objects.all(), Q(cohort__territory_id__in=scope.territory_ids))


def templates_visible_to(user: Any) -> QuerySet[ProgrammeTemplate]:
    """National templates and those of the territories the user coordinates."""

    scope = scope_of(user)
    own = Q(territory=None) | Q(territory_id__in=scope.territory_ids)
    return scope.visible(ProgrammeTemplate.objects.all(), own).select_related("territory")


def template_editable_by(template: ProgrammeTemplate, user: Any) -> bool:
    """A territory's copy is adapted by its coordinators; national templates by national admins."""
    scope = scope_of(user)
    if scope.national_admin:
        return True
    return template.territory_id is not None and template.territory_id in scope.territory_ids


# --- who may see what -----------------------------------------------------------------


def cohorts_visible_to(user: Any) -> QuerySet[Cohort]:
    scope = scope_of(user)
    return scope.visible(Cohort.objects.all(), Q(territory_id__in=scope.territory_ids))
