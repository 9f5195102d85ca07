"""Writes of a territory's own settings (opening one is binome.operations.services)."""

from __future__ import annotations

from django.db import transaction

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.territories.models import Territory, TerritoryContact


@transaction.atomic
def set_contact(territory: Territory, *, phone: str, email: str, actor: Actor) -> TerritoryContact:
    """The line and address the territory's mentees and mentors see beside their coordinators."""
    contact, _created = TerritoryContact.objects.update_or_create(
        territory=territory, defaults={"phone": phone.strip(), "email": email.strip()}
    )
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=contact, fields=["phone", "email"])
    return contact
