"""Reads of people for staff lists and files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from binome.accounts.access import scope_of
from binome.people.models import MenteeProfile, MentorProfile, Person


@dataclass(frozen=True)
class PeopleFilter:
    query: str = ""
    kind: str = ""  # "mentee", "mentor" or "" for everyone
    territory_id: int | None = None
    referral_status: str = ""
    french_level: str = ""
    language: str = ""
    domain: str = ""  # ROME domain letter of a mentee's target or a mentor's occupation
    training_status: str = ""


def filter_people(people: QuerySet[Person], f: PeopleFilter) -> QuerySet[Person]:
    """Narrow an already access-scoped queryset; never widens it."""
    for word in f.query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    if f.kind == "mentee":
        people = people.filter(mentee_profile__isnull=False)
    elif f.kind == "mentor":
        people = people.filter(mentor_profile__isnull=False)
    if f.territory_id:
        people = people.filter(territory_id=f.territory_id)
    if f.referral_status:
        people = people.filter(referrals__status=f.referral_status)
    if f.french_level:
        people = people.filter(mentee_profile__french_level=f.french_level)
    if f.language:
        people = people.filter(languages__language_id=f.language)
    if f.domain:
        people = people.filter(
            Q(mentee_profile__target_occupations__code__startswith=f.domain)
            | Q(mentor_profile__occupation__code__startswith=f.domain)
        )
    if f.training_status:
        people = people.filter(mentor_profile__training_status=f.training_status)
    return people.distinct()


def people_for_list(people: QuerySet[Person]) -> QuerySet[Person]:
    """What the list page shows per row, fetched in a fixed number of queries."""
    return people.select_related(
        "territory",
        "mentee_profile",
        "mentor_profile__company",
        "mentor_profile__occupation",
    ).prefetch_related("referrals", "mentee_profile__target_occupations")


def person_file(people: QuerySet[Person], person_id: int) -> Person:
    """A full file, fetched and authorised in one step (404 outside the viewer's scope)."""
    return get_object_or_404(
        people_for_list(people)
        .select_related("mentee_profile__home", "mentor_profile__workplace", "updated_by")
        .prefetch_related("languages__language", "referrals__partner"),
        pk=person_id,
    )


# --- who may see what -----------------------------------------------------------------


def people_visible_to(user: Any) -> QuerySet[Person]:
    """Full personal files: staff of the person's territory only."""
    scope = scope_of(user)
    return scope.visible(Person.objects.all(), Q(territory_id__in=scope.territory_ids))


def mentees_visible_to(user: Any) -> QuerySet[MenteeProfile]:
    scope = scope_of(user)
    return scope.visible(MenteeProfile.objects.all(), Q(person__territory_id__in=scope.territory_ids))


def mentors_visible_to(user: Any) -> QuerySet[MentorProfile]:
    """Staff of the territory, and the contacts of the mentor's own company."""
    scope = scope_of(user)
    return scope.visible(
        MentorProfile.objects.all(),
        Q(person__territory_id__in=scope.territory_ids) | Q(company_id__in=scope.company_ids),
    )
