"""Reads of territories: which ones a user may open."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from binome.accounts.access import scope_of
from binome.territories.models import Territory

# --- who may see what -----------------------------------------------------------------


def territories_visible_to(user: Any) -> QuerySet[Territory]:
    """Territories whose staff pages the user may open."""
    scope = scope_of(user)
    return scope.visible(Territory.objects.all(), Q(pk__in=scope.territory_ids))
