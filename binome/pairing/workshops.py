"""Who a cohort's workshops are for, and what a signed-in mentor or mentee sees of them.

A cohort's members are the people of its duos (and, for mentees, those enrolled but not matched
yet): these reads join cohorts to duos and referrals, so they sit here, above both, rather than in
binome/cohorts. The workshop services take their result as an argument
(`invite_to_workshop(workshop, members=cohort_members(...))`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.accounts.access import scope_of
from binome.cohorts.ics import CalendarEntry, entry_for
from binome.cohorts.models import Audience, Cohort, Resource, Workshop, WorkshopInvitation
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.sourcing.models import Referral, TrainingAttendance


def cohort_members(cohort: Cohort, audience: str) -> list[tuple[Person, str]]:
    """Who a workshop of this cohort is for: mentors and mentees of its duos (not those ended
    early) and, for mentees, those enrolled in the cohort but not matched yet."""
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


# --- what a signed-in person sees -------------------------------------------------


def _member_filter(user: Any, *, any_audience: bool = False) -> Q | None:
    """Workshops of the cohorts the user belongs to as mentor or mentee, for their audience
    (or all of them), plus any workshop they were invited to."""
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


TRAINING_DAY = timedelta(hours=7)


def feed_entries(user: Any) -> list[Any]:
    """A person's calendar feed: their workshops and, for mentors, their training session."""
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
