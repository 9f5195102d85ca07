"""Reads of territories: which ones a user may open."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from binome.accounts.access import scope_of
from binome.territories.models import Territory

# --- who may see what -----------------------------------------------------------------


def territories_visible_to(user: Any) -> QuerySet[Territory]:
    """Territories whose staff pages the user may open."""
    scope = scope_of(user)
    if scope.national_admin:
        return Territory.objects.all()
    return Territory.objects.filter(pk__in=scope.territory_ids)
