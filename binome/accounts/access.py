"""What a user's roles open up: their `Scope`, read once per request by `scope_of(user)`.

Who may see which records is decided next to the records: each app's `selectors.py` has a
`*_visible_to(user)` queryset built on the scope (`people_visible_to` in binome/people,
`duos_visible_to` in binome/pairing, ...). Every view and export fetches through one, so a record
outside the viewer's scope is simply not found (404), never shown and never "forbidden" in a way
that confirms it exists. A new kind of record gets its function in its own app's selectors and a
row in the authorization-matrix test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

from binome.accounts.models import Role


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

    def visible[M: Model](self, everything: QuerySet[M], own: Q) -> QuerySet[M]:
        """`everything` for a national admin; otherwise the part `own` selects (what this scope's
        roles open up). The one place the national admin's "all" is spelled out."""
        return everything if self.national_admin else everything.filter(own)

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
