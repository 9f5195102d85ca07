"""The one way to write to the audit trail: every write of personal data names who acted, and
every view or export of a person's file names who looked.

`details` holds ids, field names and counts, never names or free text: the trail outlives the
people in it (erasure keeps it, with the person's row turned into a pseudonym), so it must not
carry their identity itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from binome.audit.models import AuditEvent


def record(*, actor: Any, verb: str, target: models.Model, **details: Any) -> AuditEvent:
    """Record that `actor` (a user, or None for the system) did `verb` to `target`."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=details,
    )


def viewed(request: HttpRequest, target: models.Model, *, what: str = "file", verb: str = "viewed") -> AuditEvent:
    """Record that the signed-in user opened (or exported: verb="exported") a person's file.

    `what` names the page or export ("file", "referral", "duo", "access history", "export"), so
    the person's access history says which part of their file was seen.
    """
    return record(actor=request.user, verb=verb, target=target, what=what, method=request.method)
