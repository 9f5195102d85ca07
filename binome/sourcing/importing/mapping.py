"""The mapping step: which of Binôme's fields each column of a file holds.

A header is matched by what this partner's last imports said of the same header (`ImportMapping`,
normalised: "PRÉNOM" and "prénom" are one header), else by its name and synonyms in French and
English (`columns.column_for_header`). The user adjusts the proposal on the page (one select per
header, "ignore this column"); what they confirm is remembered for the partner.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from binome.organisations.models import Organisation
from binome.sourcing.importing.columns import BY_KEY, column_for_header, normalise_header
from binome.sourcing.models import ImportMapping

IGNORE = ""


def remembered(partner: Organisation) -> dict[str, str]:
    """Normalised header → field key ("" to ignore) as this partner's imports last said."""
    return dict(ImportMapping.objects.filter(partner=partner).values_list("header", "field"))


def suggest(headers: list[str], partner: Organisation) -> dict[int, str]:
    """Column index → proposed field key ("" to ignore); a field goes to its first column only."""
    known = remembered(partner)
    proposal: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = known.get(normalise_header(header)) if header else IGNORE
        if key is None:
            column = column_for_header(header)
            key = column.key if column else IGNORE
        if key not in BY_KEY or key in taken:
            key = IGNORE
        proposal[index] = key
        if key:
            taken.add(key)
    return proposal


def remember(partner: Organisation, headers: list[str], mapping: dict[int, str], *, user: Any) -> None:
    """Keep the user's choices for the partner's next file (one row per normalised header)."""
    user = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        for index, header in enumerate(headers):
            normalised = normalise_header(header)[:200]
            if not normalised:
                continue
            ImportMapping.objects.update_or_create(
                partner=partner,
                header=normalised,
                defaults={"field": mapping.get(index, IGNORE), "updated_by": user},
            )
