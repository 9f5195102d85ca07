"""Who may see what: the one access layer.

Every view and export fetches records through a `*_visible_to(user)` queryset, so a
record outside the viewer's scope is simply not found (404), never shown and never
"forbidden" in a way that confirms it exists. Adding a new kind of record means adding
its function here and a row in the authorization-matrix test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from binome.accounts.models import Role
from binome.cohorts.models import Cohort
from binome.organisations.models import Organisation
from binome.pairing.models import Duo
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.sourcing.models import MentorInvitation, Referral, TrainingSession
from binome.territories.models import Territory


@dataclass(frozen=True)
class Scope:
    """What a user's roles open up, read once per request."""

    national_admin: bool = False
    territory_ids: frozenset[int] = field(default_factory=frozenset)  # as coordinator
    company_ids: frozenset[int] = field(default_factory=frozenset)  # as company contact
    partner_ids: frozenset[int] = field(default_factory=frozenset)  # as referrer
    mentor_person_ids: frozenset[int] = field(default_factory=frozenset)
    mentee_person_ids: frozenset[int] = field(default_factory=frozenset)
    funder: bool = False

    @property
    def is_staff(self) -> bool:
        return self.national_admin or bool(self.territory_ids)

    @property
    def kinds(self) -> set[str]:
        kinds: set[str] = set()
        if self.national_admin:
            kinds.add(Role.Kind.NATIONAL_ADMIN)
        if self.territory_ids:
            kinds.add(Role.Kind.COORDINATOR)
        if self.company_ids:
            kinds.add(Role.Kind.COMPANY_CONTACT)
        if self.partner_ids:
            kinds.add(Role.Kind.REFERRER)
        if self.mentor_person_ids:
            kinds.add(Role.Kind.MENTOR)
        if self.mentee_person_ids:
            kinds.add(Role.Kind.MENTEE)
        if self.funder:
            kinds.add(Role.Kind.FUNDER)
        return kinds


EMPTY_SCOPE = Scope()


def scope_of(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_binome_scope", None)
    if cached is not None:
        return cached
    sets: dict[str, set[int]] = {
        "territory": set(),
        "company": set(),
        "partner": set(),
        "mentor": set(),
        "mentee": set(),
    }
    admin = funder = False
    for kind, territory_id, organisation_id, person_id in Role.objects.filter(user=user).values_list(
        "kind", "territory_id", "organisation_id", "person_id"
    ):
        match kind:
            case Role.Kind.NATIONAL_ADMIN:
                admin = True
            case Role.Kind.FUNDER:
                funder = True
            case Role.Kind.COORDINATOR:
                sets["territory"].add(territory_id)
            case Role.Kind.COMPANY_CONTACT:
                sets["company"].add(organisation_id)
            case Role.Kind.REFERRER:
                sets["partner"].add(organisation_id)
            case Role.Kind.MENTOR:
                sets["mentor"].add(person_id)
            case Role.Kind.MENTEE:
                sets["mentee"].add(person_id)
    scope = Scope(
        national_admin=admin,
        territory_ids=frozenset(sets["territory"]),
        company_ids=frozenset(sets["company"]),
        partner_ids=frozenset(sets["partner"]),
        mentor_person_ids=frozenset(sets["mentor"]),
        mentee_person_ids=frozenset(sets["mentee"]),
        funder=funder,
    )
    user._binome_scope = scope
    return scope


def territories_visible_to(user: Any) -> QuerySet[Territory]:
    """Territories whose staff pages the user may open."""
    scope = scope_of(user)
    if scope.national_admin:
        return Territory.objects.all()
    return Territory.objects.filter(pk__in=scope.territory_ids)


def people_visible_to(user: Any) -> QuerySet[Person]:
    """Full personal files: staff of the person's territory only."""
    scope = scope_of(user)
    if scope.national_admin:
        return Person.objects.all()
    return Person.objects.filter(territory_id__in=scope.territory_ids)


def mentees_visible_to(user: Any) -> QuerySet[MenteeProfile]:
    scope = scope_of(user)
    if scope.national_admin:
        return MenteeProfile.objects.all()
    return MenteeProfile.objects.filter(person__territory_id__in=scope.territory_ids)


def mentors_visible_to(user: Any) -> QuerySet[MentorProfile]:
    """Staff of the territory, and the contacts of the mentor's own company."""
    scope = scope_of(user)
    if scope.national_admin:
        return MentorProfile.objects.all()
    return MentorProfile.objects.filter(
        Q(person__territory_id__in=scope.territory_ids) | Q(company_id__in=scope.company_ids)
    )


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    """Staff see the organisations of their territories and the national ones; contacts and
    referrers see their own organisation."""
    scope = scope_of(user)
    if scope.national_admin:
        return Organisation.objects.all()
    own = Q(pk__in=scope.company_ids | scope.partner_ids)
    if scope.territory_ids:
        return Organisation.objects.filter(Q(territory_id__in=scope.territory_ids) | Q(territory=None) | own)
    return Organisation.objects.filter(own)


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Staff of the person's territory; referrers see the referrals their partner made."""
    scope = scope_of(user)
    if scope.national_admin:
        return Referral.objects.all()
    return Referral.objects.filter(
        Q(person__territory_id__in=scope.territory_ids) | Q(partner_id__in=scope.partner_ids)
    )


def cohorts_visible_to(user: Any) -> QuerySet[Cohort]:
    scope = scope_of(user)
    if scope.national_admin:
        return Cohort.objects.all()
    return Cohort.objects.filter(territory_id__in=scope.territory_ids)


def duos_visible_to(user: Any) -> QuerySet[Duo]:
    """Staff of the cohort's territory, and the two members of the duo."""
    scope = scope_of(user)
    if scope.national_admin:
        return Duo.objects.all()
    return Duo.objects.filter(
        Q(cohort__territory_id__in=scope.territory_ids)
        | Q(mentor__person_id__in=scope.mentor_person_ids)
        | Q(mentee__person_id__in=scope.mentee_person_ids)
    )


def mentor_invitations_visible_to(user: Any) -> QuerySet[MentorInvitation]:
    """Staff of the company's territory, and the company's own contacts."""
    scope = scope_of(user)
    if scope.national_admin:
        return MentorInvitation.objects.all()
    return MentorInvitation.objects.filter(
        Q(company__territory_id__in=scope.territory_ids) | Q(company_id__in=scope.company_ids)
    )


def training_sessions_visible_to(user: Any) -> QuerySet[TrainingSession]:
    """Staff of the session's territory."""
    scope = scope_of(user)
    if scope.national_admin:
        return TrainingSession.objects.all()
    return TrainingSession.objects.filter(territory_id__in=scope.territory_ids)
