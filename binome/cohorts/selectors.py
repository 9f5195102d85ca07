"""Reads across cohorts, workshops and attendance (the lead's hours and engagement rules use
the last two functions)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.accounts.access import scope_of
from binome.cohorts.models import (
    Audience,
    Cohort,
    ItemKind,
    ProgrammeTemplate,
    Resource,
    Workshop,
    WorkshopInvitation,
)
from binome.people.models import Person

PARIS = ZoneInfo("Europe/Paris")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def cohort_members(cohort: Cohort, audience: str) -> list[tuple[Person, str]]:
    """Who a workshop of this cohort is for: mentors and mentees of its duos (not those ended
    early) and, for mentees, those enrolled in the cohort but not matched yet."""
    from binome.pairing.models import Duo
    from binome.sourcing.models import Referral

    role_of: dict[int, str] = {}
    duos = Duo.objects.filter(cohort=cohort).exclude(status=Duo.Status.ENDED_EARLY)
    if audience in (Audience.MENTORS, Audience.BOTH):
        for person_id in duos.values_list("mentor__person_id", flat=True):
            role_of[person_id] = WorkshopInvitation.Role.MENTOR
    if audience in (Audience.MENTEES, Audience.BOTH):
        mentee_ids = set(duos.values_list("mentee__person_id", flat=True)) | set(
            Referral.objects.filter(
                cohort=cohort, status__in=[Referral.Status.ENROLLED, Referral.Status.MATCHED]
            ).values_list("person_id", flat=True)
        )
        for person_id in mentee_ids:
            role_of.setdefault(person_id, WorkshopInvitation.Role.MENTEE)
    people = Person.objects.filter(pk__in=role_of).order_by("last_name", "first_name", "pk")
    return [(person, role_of[person.pk]) for person in people]


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


# --- what a signed-in person sees -------------------------------------------------


def _member_filter(user: Any, *, any_audience: bool = False) -> Q | None:
    """Workshops of the cohorts the user belongs to as mentor or mentee, for their audience
    (or all of them), plus any workshop they were invited to."""
    from binome.pairing.models import Duo

    scope = scope_of(user)
    people = scope.mentor_person_ids | scope.mentee_person_ids
    if not people:
        return None
    live = ~Q(status=Duo.Status.ENDED_EARLY)
    mentor_cohorts = Duo.objects.filter(live, mentor__person_id__in=scope.mentor_person_ids).values("cohort_id")
    mentee_cohorts = Duo.objects.filter(live, mentee__person_id__in=scope.mentee_person_ids).values("cohort_id")
    if any_audience:
        return Q(invitations__person_id__in=people) | Q(cohort_id__in=mentor_cohorts) | Q(cohort_id__in=mentee_cohorts)
    return (
        Q(invitations__person_id__in=people)
        | Q(cohort_id__in=mentor_cohorts, audience__in=[Audience.MENTORS, Audience.BOTH])
        | Q(cohort_id__in=mentee_cohorts, audience__in=[Audience.MENTEES, Audience.BOTH])
    )


def workshops_for_user(user: Any) -> QuerySet[Workshop]:
    """The workshops of a calendar feed: as member (see above) and, for coordinators, every
    workshop of their territories. National admins get none: there would be hundreds."""
    scope = scope_of(user)
    condition = _member_filter(user) or Q(pk__in=[])
    if scope.territory_ids:
        condition |= Q(cohort__territory_id__in=scope.territory_ids)
    since = timezone.now() - timedelta(days=400)
    return Workshop.objects.filter(condition, ends_at__gte=since).distinct().order_by("starts_at", "pk")


def resources_for_user(user: Any, language: str | None) -> QuerySet[Resource]:
    """Resources of the curriculum items behind the workshops of the user's cohorts, in one
    language (None: all languages), for the user's audience."""
    scope = scope_of(user)
    member = _member_filter(user, any_audience=True)
    if member is None:
        return Resource.objects.none()
    audiences = [Audience.BOTH]
    if scope.mentor_person_ids:
        audiences.append(Audience.MENTORS)
    if scope.mentee_person_ids:
        audiences.append(Audience.MENTEES)
    item_ids = Workshop.objects.filter(member, item__isnull=False).values("item_id")
    found = Resource.objects.filter(item_id__in=item_ids, audience__in=audiences)
    if language is not None:
        found = found.filter(language=language)
    return found.select_related("item").order_by("item__offset_days", "item_id", "title", "pk")


def workshops_visible_to(user: Any) -> QuerySet[Workshop]:
    """Staff pages: workshops of the cohorts the user may manage (404 for the others)."""
    from binome.accounts.access import cohorts_visible_to

    return Workshop.objects.filter(cohort__in=cohorts_visible_to(user))


TRAINING_DAY = timedelta(hours=7)


def feed_entries(user: Any) -> list[Any]:
    """A person's calendar feed: their workshops and, for mentors, their training session."""
    from binome.cohorts.ics import CalendarEntry, entry_for
    from binome.sourcing.models import TrainingAttendance

    entries = [entry_for(w) for w in workshops_for_user(user)]
    scope = scope_of(user)
    if scope.mentor_person_ids:
        sessions = (
            TrainingAttendance.objects.filter(mentor__person_id__in=scope.mentor_person_ids)
            .select_related("session")
            .order_by("session__starts_at")
        )
        entries += [
            CalendarEntry(
                uid=f"training-{a.session.pk}@binome",
                sequence=0,
                title=str(_("Mentor training")),
                starts_at=a.session.starts_at,
                ends_at=a.session.starts_at + TRAINING_DAY,
                place=a.session.place,
                description=a.session.facilitator,
            )
            for a in sessions
        ]
    return entries


def templates_visible_to(user: Any) -> QuerySet[ProgrammeTemplate]:
    """National templates and those of the territories the user coordinates."""
    from binome.accounts.access import territories_visible_to

    return ProgrammeTemplate.objects.filter(
        Q(territory=None) | Q(territory__in=territories_visible_to(user))
    ).select_related("territory")


def template_editable_by(template: ProgrammeTemplate, user: Any) -> bool:
    """A territory's copy is adapted by its coordinators; national templates by national admins."""
    scope = scope_of(user)
    if scope.national_admin:
        return True
    return template.territory_id is not None and template.territory_id in scope.territory_ids
