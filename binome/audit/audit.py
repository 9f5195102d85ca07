"""The one way to write to the audit trail: every write of personal data names who acted, and
every view or export of a person's file names who looked.

`details` holds ids, field names and counts, never names or free text: the trail outlives the
people in it (erasure keeps it, with the person's row turned into a pseudonym), so it must not
carry their identity itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest

from binome.accounts.actors import Actor, signed_in
from binome.audit.models import AuditEvent
from binome.lib.bulk import insert_rows


class Verb(models.TextChoices):
    """Every action the trail records. The values are what is stored: never change one, or the
    rows already written (and the pages and tests that look them up) stop matching."""

    # Any kind of record
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    MOVED = "moved"
    STATUS_CHANGED = "status_changed"
    RECORDED = "recorded"
    RESOLVED = "resolved"
    REVOKED = "revoked"
    INVITED = "invited"
    CANCELLED = "cancelled"
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    ATTENDANCE = "attendance"
    CONFIRMED = "confirmed"
    DECIDED = "decided"
    VIEWED = "viewed"
    EXPORTED = "exported"
    # Accounts and territories
    SENT_ROLE_INVITATION = "sent role invitation"
    ACCEPTED_ROLE_INVITATION = "accepted role invitation"
    OPENED = "opened"
    GRANTED_COORDINATOR_ROLE = "granted coordinator role"
    # Sourcing
    APPLIED = "applied"
    IMPORTED = "imported"
    FLAGGED_DUPLICATE = "flagged_duplicate"  # read by binome.sourcing.duplicates
    LOOKED_FOR_EARLIER_REFERRAL = "looked for an earlier referral"
    MERGED = "merged"
    MERGED_INTO = "merged_into"
    ENROLLED = "enrolled"
    CONFIRMED_ENROLMENT = "confirmed enrolment"
    SENT_ENROLMENT_LINK = "sent enrolment link"
    WAIVED_TRAINING = "waived_training"
    # Cohorts
    MARKED_ATTENDANCE = "marked attendance"
    REGENERATED = "regenerated"
    SAVED_CURRICULUM_ITEM = "saved curriculum item"
    REMOVED_CURRICULUM_ITEM = "removed curriculum item"
    SET_SURVEY_PLAN = "set survey plan"
    # Pairing and duos
    RAN_MATCHING = "ran matching"
    PIN_PAIR = "pin pair"
    FORBID_PAIR = "forbid pair"
    CLEAR_PAIR = "clear pair"
    SWAPPED = "swapped"
    DUO_ACTIVE = "duo active"
    DUO_PAUSED = "duo paused"
    DUO_COMPLETED = "duo completed"
    DUO_ENDED_EARLY = "duo ended_early"
    SHARED_CONTACT_DETAILS = "shared contact details"
    # Meetings and engagement
    RECORDED_MEETING = "recorded meeting"
    CONFIRMED_MEETING = "confirmed meeting"
    RECORDED_INTRODUCTION = "recorded introduction"
    ALERT_NOTE = "alert note"
    ALERT_SNOOZED = "alert snoozed"
    ALERT_RESOLVED = "alert resolved"
    # Surveys
    EDITED = "edited"
    VERSIONED = "versioned"
    RESENT_SURVEY_LINK = "resent survey link"
    RESENT_EMAIL = "resent email"
    ENTERED_SURVEY_ANSWERS = "entered survey answers"
    SUBMITTED_SURVEY = "submitted survey"
    # Impact
    CONFLICT_RAISED = "conflict_raised"
    CONFLICT_WITHDRAWN = "conflict_withdrawn"
    # Sponsorship
    RENEWED = "renewed"
    LEDGER_PLEDGE = "ledger_pledge"
    LEDGER_INVOICE = "ledger_invoice"
    LEDGER_PAYMENT = "ledger_payment"
    LEDGER_REVERSAL = "ledger_reversal"
    DECLARED_HOURLY_COST = "declared_hourly_cost"
    DRAFTED = "drafted"
    APPROVED = "approved"
    # Privacy
    ERASED = "erased"
    KEPT_ACCOUNT_AT_ERASURE = "kept account at erasure"
    RECORDED_BREACH = "recorded breach"


@dataclass(frozen=True)
class Entry:
    """One line of a bulk write to the trail (`record_many`): the target named by its model and
    primary key, as bulk writes hold ids rather than instances."""

    verb: Verb
    model: type[models.Model]
    pk: int | str
    details: dict[str, Any] = field(default_factory=dict)


def _row(actor: Actor, entry: Entry) -> dict[str, Any]:
    user = signed_in(actor)
    return {
        "actor_id": user.pk if user else None,
        "verb": entry.verb,
        "target_type": entry.model._meta.label_lower,
        "target_id": str(entry.pk),
        "details": entry.details,
    }


def record(*, actor: Actor, verb: Verb, target: models.Model, **details: Any) -> AuditEvent:
    """Record that `actor` (a user, or None for the system) did `verb` to `target`."""
    return AuditEvent.objects.create(**_row(actor, Entry(verb, type(target), target.pk, details)))


def record_many(*, actor: Actor, entries: Iterable[Entry]) -> None:
    """`record` for many targets at once (an import): one row each, written in bulk."""
    insert_rows(AuditEvent, [_row(actor, entry) for entry in entries])


def viewed(request: HttpRequest, target: models.Model, *, what: str = "file", verb: Verb = Verb.VIEWED) -> AuditEvent:
    """Record that the signed-in user opened (or exported: verb=Verb.EXPORTED) a person's file.

    `what` names the page or export ("file", "referral", "duo", "access history", "export"), so
    the person's access history says which part of their file was seen.
    """
    return record(actor=signed_in(request.user), verb=verb, target=target, what=what, method=request.method)
