"""The one way to write to the audit trail: every write of personal data names who acted."""

from __future__ import annotations

from typing import Any

from django.db import models

from binome.privacy.models import AuditEvent


def record(*, actor: Any, verb: str, target: models.Model, **details: Any) -> AuditEvent:
    """Record that `actor` (a user, or None for the system) did `verb` to `target`."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=details,
    )
