"""A duo's life after matching: pause, resume, complete, end early, share contact details.

Ending early keeps the duo as history; the mentee goes back to "enrolled" so the coordinator
can pair them again in the same cohort (the engine's pool takes them back).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.pairing.models import Duo
from binome.sourcing.models import Referral
from binome.sourcing.services import move_referral

S = Duo.Status
DUO_VERBS: dict[str, audit.Verb] = {
    S.ACTIVE: audit.Verb.DUO_ACTIVE,
    S.PAUSED: audit.Verb.DUO_PAUSED,
    S.COMPLETED: audit.Verb.DUO_COMPLETED,
    S.ENDED_EARLY: audit.Verb.DUO_ENDED_EARLY,
}
ALLOWED: dict[str, set[str]] = {
    S.ACTIVE: {S.PAUSED, S.COMPLETED, S.ENDED_EARLY},
    S.PAUSED: {S.ACTIVE, S.COMPLETED, S.ENDED_EARLY},
    S.COMPLETED: set(),
    S.ENDED_EARLY: set(),
}


def _referral(duo: Duo) -> Referral | None:
    return (
        Referral.objects.filter(person_id=duo.mentee.person_id, status=Referral.Status.MATCHED)
        .order_by("-status_changed_at", "-pk")
        .first()
    )


@transaction.atomic
def change_duo_status(duo: Duo, to: str, *, actor: Actor, reason: str = "", mentee_stays: bool = True) -> Duo:
    """Move a duo along its life; `reason` is required to pause or end early.

    mentee_stays (ending early): True puts the mentee back in the pool of the cohort,
    False records that they left the programme.
    """
    duo = Duo.objects.select_for_update().select_related("mentee").get(pk=duo.pk)
    reason = reason.strip()
    if to not in ALLOWED.get(duo.status, set()):
        raise ValidationError(
            _("A duo cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(duo.status).label, "to": S(to).label if to in S.values else to}
        )
    if to in {S.PAUSED, S.ENDED_EARLY} and not reason:
        raise ValidationError(_("Give a reason."))
    today = timezone.localdate()
    fields = ["status"]
    if to == S.PAUSED:
        duo.pause_reason = reason
        fields.append("pause_reason")
    if to in {S.COMPLETED, S.ENDED_EARLY}:
        duo.ended_on = today
        fields.append("ended_on")
    if to == S.ENDED_EARLY:
        duo.end_reason = reason
        fields.append("end_reason")
    duo.status = to
    duo.save(update_fields=fields)
    referral = _referral(duo)
    if referral is not None and to == S.COMPLETED:
        move_referral(referral, Referral.Status.COMPLETED, actor=actor, system=True)
    elif referral is not None and to == S.ENDED_EARLY:
        if mentee_stays:
            move_referral(referral, Referral.Status.ENROLLED, actor=actor, note=reason, cohort=duo.cohort, system=True)
        else:
            move_referral(referral, Referral.Status.LEFT, actor=actor, note=reason, system=True)
    audit.record(actor=actor, verb=DUO_VERBS[to], target=duo)
    return duo


@transaction.atomic
def set_contact_sharing(duo: Duo, *, side: str, email: bool, phone: bool, actor: Actor) -> Duo:
    """A member chooses which of their own contact details the other member sees."""
    if side not in {"mentor", "mentee"}:
        raise ValidationError(_("Unknown member."))
    setattr(duo, f"{side}_shares_email", email)
    setattr(duo, f"{side}_shares_phone", phone)
    duo.save(update_fields=[f"{side}_shares_email", f"{side}_shares_phone"])
    audit.record(actor=actor, verb=audit.Verb.SHARED_CONTACT_DETAILS, target=duo, side=side, email=email, phone=phone)
    return duo
