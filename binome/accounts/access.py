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
        roles open up). The one place the national admin's "all" is spelled out.

        The alternatives of `own` on an id set this scope leaves empty (a mentee has no territory)
        are dropped before Django sees them: they select nothing, but each would still cost its
        joins, compiled on every request. With none left, the queryset is empty without a query."""
        if self.national_admin:
            return everything
        pruned = _without_empty_alternatives(own)
        return everything.none() if pruned is None else everything.filter(pruned)

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

_ID_SETS = (set, frozenset, list, tuple)


def _without_empty_alternatives(condition: Q) -> Q | None:
    """`condition` less its OR-ed `lookup__in=<empty>` alternatives (always false, so dropping
    them selects the same rows); None when nothing is left (it selects nothing). Conditions that
    are not a plain OR (an AND, a negation) are kept whole: there an empty set is not a no-op."""
    if condition.negated or condition.connector != Q.OR:
        return condition
    kept: list[Any] = []
    for child in condition.children:
        if isinstance(child, Q):
            pruned = _without_empty_alternatives(child)
            if pruned is not None:
                kept.append(pruned)
        elif isinstance(child, tuple) and child[0].endswith("__in") and isinstance(child[1], _ID_SETS) and not child[1]:
            continue
        else:
            kept.append(child)
    if not kept:
        return None
    return Q(*kept, _connector=Q.OR)


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
