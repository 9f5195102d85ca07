"""Reads of territories: which ones a user may open."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from binome.accounts.access import scope_of
from binome.accounts.models import Role, User
from binome.territories.models import Territory, TerritoryContact


def contact_of(territory_id: int | None) -> TerritoryContact | None:
    """The territory's team contact, if its coordinators set one."""
    return TerritoryContact.objects.filter(territory_id=territory_id).first() if territory_id else None


def coordinators_of(territory_id: int | None) -> list[User]:
    """The active coordinators of a territory, by name: who a mentee or mentor turns to."""
    if territory_id is None:
        return []
    return list(
        User.objects.filter(roles__kind=Role.Kind.COORDINATOR, roles__territory_id=territory_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# --- who may see what -----------------------------------------------------------------


def territories_visible_to(user: Any) -> QuerySet[Territory]:
    """Territories whose staff pages the user may open."""
    scope = scope_of(user)
    return scope.visible(Territory.objects.all(), Q(pk__in=scope.territory_ids))
