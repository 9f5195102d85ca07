"""Reads of people for staff lists and files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from binome.accounts.access import scope_of
from binome.people.models import MenteeProfile, MentorProfile, Person, PersonLanguage
from binome.reference.models import Occupation

# The referral columns the list and the file show. Their reasons and justifications are encrypted:
# those pages never read them, so never decrypt them.
REFERRAL_LIST_COLUMNS = ("id", "person_id", "status")
REFERRAL_FILE_COLUMNS = (*REFERRAL_LIST_COLUMNS, "partner_id", "referred_at", "status_changed_at")


def _referrals() -> Any:
    """Referrals live in sourcing, an app above this one: reached through the relation, not
    imported; read when called, since the reverse relation exists once every model is loaded."""
    return Person._meta.get_field("referrals").related_model._default_manager


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
    """What the list page shows per row, fetched in a fixed number of queries; the encrypted
    protection status and referral reasons, which no row shows, are not read (nor decrypted)."""
    return (
        people.select_related("territory", "mentee_profile", "mentor_profile__company")
        .defer("mentee_profile__protection_status")
        .prefetch_related(
            Prefetch("referrals", queryset=_referrals().only(*REFERRAL_LIST_COLUMNS)),
            Prefetch("mentee_profile__target_occupations", queryset=Occupation.objects.only("code", "label")),
        )
    )


def _file(people: QuerySet[Person], person_id: int, referrals: QuerySet[Any]) -> Person:
    """One file with what its pages read, authorised in the same step (404 outside the scope)."""
    return get_object_or_404(
        people.select_related(
            "territory",
            "mentee_profile__home",
            "mentor_profile__company",
            "mentor_profile__occupation",
            "mentor_profile__workplace",
            "updated_by",
        ).prefetch_related(
            Prefetch("languages", queryset=PersonLanguage.objects.select_related("language")),
            Prefetch("referrals", queryset=referrals),
            "mentee_profile__target_occupations",
        ),
        pk=person_id,
    )


def person_file(people: QuerySet[Person], person_id: int) -> Person:
    """A full file, fetched and authorised in one step (404 outside the viewer's scope): every
    field, for the pages that export, edit or erase it."""
    return _file(people, person_id, _referrals().select_related("partner"))


def person_file_as_shown(people: QuerySet[Person], person_id: int) -> Person:
    """What the file page shows, authorised like `person_file`: its referrals without their
    encrypted reasons (the page shows partner, dates and status), so they are never decrypted."""
    return _file(
        people, person_id, _referrals().only(*REFERRAL_FILE_COLUMNS, "partner__name").select_related("partner")
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
