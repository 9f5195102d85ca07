"""Every write to referrals goes through here, names who acted and leaves a transition row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.cohorts.models import Cohort
from binome.privacy import audit
from binome.sourcing.models import Referral, ReferralTransition

S = Referral.Status

# The screening pipeline. Forward moves may skip a step (a partner's interview can stand in for
# ours); "matched" and "completed" are set by the matching and delivery services, not by hand.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INELIGIBLE, S.WAITLISTED, S.LEFT}),
    S.CONTACTED: frozenset({S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.INELIGIBLE, S.WAITLISTED, S.LEFT}),
    S.INTERVIEW_SCHEDULED: frozenset({S.CONTACTED, S.INTERVIEWED, S.INELIGIBLE, S.LEFT}),
    S.INTERVIEWED: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.WAITLISTED, S.LEFT}),
    S.ELIGIBLE: frozenset({S.ENROLLED, S.WAITLISTED, S.INELIGIBLE, S.LEFT}),
    S.WAITLISTED: frozenset({S.ELIGIBLE, S.ENROLLED, S.INELIGIBLE, S.LEFT}),
    S.INELIGIBLE: frozenset({S.INTERVIEWED, S.LEFT}),  # reopened after new information
    S.ENROLLED: frozenset({S.MATCHED, S.WAITLISTED, S.LEFT}),
    S.MATCHED: frozenset({S.COMPLETED, S.ENROLLED, S.LEFT}),  # back to enrolled: re-pairing
    S.COMPLETED: frozenset(),
    S.LEFT: frozenset({S.RECEIVED}),  # referred again later
}
REASON_REQUIRED = frozenset({S.INELIGIBLE, S.LEFT})
SYSTEM_ONLY = frozenset({S.MATCHED, S.COMPLETED})


def allowed_next(referral: Referral, *, include_system: bool = False) -> list[str]:
    targets = TRANSITIONS[referral.status]
    return [s.value for s in S if s in targets and (include_system or s not in SYSTEM_ONLY)]


def move_referral(
    referral: Referral,
    to_status: str,
    *,
    actor: Any,
    note: str = "",
    cohort: Cohort | None = None,
    system: bool = False,
) -> ReferralTransition:
    """Move one referral along the pipeline, recording who moved it and why.

    `system=True` is for the services that own "matched" and "completed" (pairing, delivery).
    Raises ValidationError with a message a coordinator can read.
    """
    with transaction.atomic():
        # Lock the row: two coordinators clicking at once must not both move it from the same state.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        note = note.strip()
        if to_status not in TRANSITIONS.get(locked.status, frozenset()):
            raise ValidationError(
                _("A referral cannot go from “%(from)s” to “%(to)s”.")
                % {"from": S(locked.status).label, "to": S(to_status).label if to_status in S.values else to_status}
            )
        if to_status in SYSTEM_ONLY and not system:
            raise ValidationError(_("“%(to)s” is set by the programme itself.") % {"to": S(to_status).label})
        if to_status in REASON_REQUIRED and not note:
            raise ValidationError(_("Give a reason for “%(to)s”.") % {"to": S(to_status).label})
        if to_status == S.ENROLLED:
            if cohort is None:
                raise ValidationError(_("Choose the cohort to enrol this person in."))
            if cohort.territory_id != locked.person.territory_id:
                raise ValidationError(_("The cohort is in another territory."))
            locked.cohort = cohort
        now = timezone.now()
        transition = ReferralTransition.objects.create(
            referral=locked,
            from_status=locked.status,
            to_status=to_status,
            at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
        )
        locked.status = to_status
        locked.status_changed_at = now
        if to_status in {S.INELIGIBLE, S.WAITLISTED, S.LEFT} and note:
            locked.status_reason = note
        locked.save(update_fields=["status", "status_changed_at", "cohort", "status_reason"])
        audit.record(actor=actor, verb="moved", target=locked, to=to_status)
    referral.refresh_from_db()
    transaction.on_commit(lambda: _notify_referrer(transition.pk))
    return transition


def move_referrals(
    referrals: Iterable[Referral], to_status: str, *, actor: Any, note: str = "", system: bool = False
) -> list[ReferralTransition]:
    """All or nothing: a bulk action that fails on one referral moves none."""
    with transaction.atomic():
        return [move_referral(r, to_status, actor=actor, note=note, system=system) for r in referrals]


def _notify_referrer(transition_id: int) -> None:
    """Hook for the referrer's status-change email (a background task, added with the portal)."""
    try:
        from binome.sourcing.tasks import notify_referrer_of_status
    except ImportError:  # the task module lands with the referral portal
        return
    notify_referrer_of_status.enqueue(transition_id)
