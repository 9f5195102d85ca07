"""Writes of the privacy area: the breach register (erasure lives in erasure.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from binome.accounts.models import User
from binome.audit import audit
from binome.privacy.models import Breach


@transaction.atomic
def record_breach(*, actor: User, **fields: Any) -> Breach:
    breach = Breach.objects.create(recorded_by=actor, **fields)
    audit.record(actor=actor, verb=audit.Verb.RECORDED_BREACH, target=breach)
    return breach
