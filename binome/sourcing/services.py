"""Every write to referrals goes through here, names who acted and leaves a transition row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.cohorts.models import Cohort
from binome.lib.bulk import insert_rows
from binome.organisations.models import Organisation
from binome.people.models import Person
from binome.people.services import (
    NewMenteeProfile,
    add_languages,
    create_mentee_profile,
    create_mentee_profiles,
    create_people,
    create_person,
    set_languages,
)
from binome.reference.models import Place
from binome.sourcing.eligibility import precheck
from binome.sourcing.models import Consent, ConsentText, Referral, ReferralTransition
from binome.sourcing.tasks import notify_referrer_of_status
from binome.territories.models import Territory

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
    actor: Actor,
    note: str = "",
    cohort: Cohort | None = None,
    system: bool = False,
    override: str = "",
) -> ReferralTransition:
    """Move one referral along the pipeline, recording who moved it and why.

    `system=True` is for the services that own "matched" and "completed" (pairing, delivery).
    Moving to "eligible" while the pre-check has a rule not met needs `override`, a written
    justification kept on the referral and in the transition's note.
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
        update_fields = ["status", "status_changed_at", "cohort", "status_reason"]
        override = override.strip()
        if to_status == S.ELIGIBLE and not system:
            failed = precheck(locked).failed
            if failed and not override:
                raise ValidationError(
                    _("The pre-check finds rules not met (%(rules)s): write why this person is eligible anyway.")
                    % {"rules": ", ".join(r.label for r in failed)}
                )
            if failed:
                locked.precheck_override = override
                update_fields.append("precheck_override")
                note = "\n".join(filter(None, [note, _("Pre-check overridden: %(why)s") % {"why": override}]))
        now = timezone.now()
        transition = ReferralTransition.objects.create(
            referral=locked,
            from_status=locked.status,
            to_status=to_status,
            at=now,
            actor=signed_in(actor),
            note=note,
        )
        locked.status = to_status
        locked.status_changed_at = now
        if to_status in {S.INELIGIBLE, S.WAITLISTED, S.LEFT} and note:
            locked.status_reason = note
        locked.save(update_fields=update_fields)
        audit.record(actor=actor, verb=audit.Verb.MOVED, target=locked, to=to_status)
    referral.refresh_from_db()
    transaction.on_commit(lambda: _notify_referrer(transition.pk))
    return transition


def move_referrals(
    referrals: Iterable[Referral],
    to_status: str,
    *,
    actor: Actor,
    note: str = "",
    system: bool = False,
    override: str = "",
    cohort: Cohort | None = None,
) -> list[ReferralTransition]:
    """All or nothing: a bulk action that fails on one referral moves none.

    Every referral is tried, so the error lists each one that could not move and why
    (BulkMoveError), rather than stopping at the first.
    """
    moved: list[ReferralTransition] = []
    failures: list[tuple[Referral, str]] = []
    with transaction.atomic():
        for referral in referrals:
            try:
                moved.append(
                    move_referral(
                        referral, to_status, actor=actor, note=note, system=system, override=override, cohort=cohort
                    )
                )
            except ValidationError as error:
                failures.append((referral, " ".join(error.messages)))
        if failures:
            raise BulkMoveError(failures)  # rolls back the referrals that did move
    return moved


class BulkMoveError(ValidationError):
    """Which referrals of a bulk move could not move, and why. Nothing was moved."""

    def __init__(self, failures: list[tuple[Referral, str]]) -> None:
        self.failures = failures
        super().__init__([f"{referral.person}: {why}" for referral, why in failures])


def _notify_referrer(transition_id: int) -> None:
    """The referrer's status-change email, sent by the background worker."""
    notify_referrer_of_status.enqueue(transition_id)


def current_consent_text() -> ConsentText | None:
    """The version in force today: the latest one whose start date has come."""
    return ConsentText.objects.filter(in_force_from__lte=timezone.localdate()).order_by("-in_force_from", "-pk").first()


def nearest_territory(place: Place | None) -> Territory | None:
    """The territory whose centre is nearest the place, if the place lies within its radius."""
    if place is None:
        return None
    best: tuple[float, Territory] | None = None
    for territory in Territory.objects.select_related("centre"):
        km = place.km_to(territory.centre)
        if km <= territory.radius_km and (best is None or km < best[0]):
            best = (km, territory)
    return best[1] if best else None


@transaction.atomic
def submit_referral(
    *,
    actor: Actor,
    partner: Organisation | None,
    territory: Territory,
    source: str,
    person_fields: Mapping[str, Any],
    profile_fields: Mapping[str, Any],
    targets: Iterable[str],
    languages: Mapping[str, str],
    consent_text: ConsentText,
    consent_given_on: date,
    consent_method: str,
    reason: str = "",
    referrer: Mapping[str, str] | None = None,
) -> Referral:
    """A new person, their mentee profile, their consent and a referral at "received", in one go.

    Either everything is saved or nothing is: a profile without its consent must never exist.
    """
    if consent_given_on > timezone.localdate():
        raise ValidationError(_("The consent date cannot be in the future."))
    person = create_person(actor=actor, territory=territory, **person_fields)
    create_mentee_profile(person, actor=actor, targets=targets, **profile_fields)
    if languages:
        set_languages(person, languages, actor=actor)
    Consent.objects.create(**_consent(person.pk, consent_text, consent_given_on, consent_method, actor=actor))
    now = timezone.now()
    referral = Referral.objects.create(
        **_referral(person.pk, partner, source, reason, referrer or {}, actor=actor, at=now)
    )
    ReferralTransition.objects.create(**_first_transition(referral.pk, at=now, actor=actor))
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=referral, source=source)
    return referral


@dataclass(frozen=True)
class NewReferral:
    """One person of `submit_referrals`: what `submit_referral` takes for each person."""

    person_fields: Mapping[str, Any]
    profile_fields: Mapping[str, Any]
    targets: Sequence[str]
    languages: Mapping[str, str]
    consent_given_on: date
    reason: str = ""
    referrer: Mapping[str, str] = field(default_factory=dict)


@transaction.atomic
def submit_referrals(
    new: Sequence[NewReferral],
    *,
    actor: Actor,
    partner: Organisation,
    territory: Territory,
    source: str,
    consent_text: ConsentText,
    consent_method: str,
    note: str = "",
    import_batch: str = "",
) -> list[int]:
    """`submit_referral` for many people at once (an import), all or nothing; returns the new
    people's ids, in order. The values must be checked already (see `people.services.create_people`);
    `note` goes on each referral's first transition; `import_batch` names the import that made them
    (the screening board filters on it)."""
    if any(one.consent_given_on > timezone.localdate() for one in new):
        raise ValidationError(_("The consent date cannot be in the future."))
    people = create_people(
        [{**one.person_fields, "territory_id": territory.pk} for one in new], actor=actor, details={"source": source}
    )
    create_mentee_profiles(
        [NewMenteeProfile(pk, one.profile_fields, one.targets) for pk, one in zip(people, new, strict=True)],
        actor=actor,
    )
    add_languages([(pk, one.languages) for pk, one in zip(people, new, strict=True)], actor=actor)
    insert_rows(
        Consent,
        [
            _consent(pk, consent_text, one.consent_given_on, consent_method, actor=actor)
            for pk, one in zip(people, new, strict=True)
        ],
    )
    now = timezone.now()
    referrals = insert_rows(
        Referral,
        [
            _referral(pk, partner, source, one.reason, one.referrer, actor=actor, at=now)
            | {"import_batch": import_batch}
            for pk, one in zip(people, new, strict=True)
        ],
        returning=True,
    )
    insert_rows(ReferralTransition, [_first_transition(pk, at=now, actor=actor, note=note) for pk in referrals])
    audit.record_many(
        actor=actor, entries=[audit.Entry(audit.Verb.CREATED, Referral, pk, {"source": source}) for pk in referrals]
    )
    return people


def record_consent(person: Person, text: ConsentText, given_on: date, method: str, *, actor: Actor) -> Consent:
    """Another consent for someone already known (an import's new attestation)."""
    return Consent.objects.create(**_consent(person.pk, text, given_on, method, actor=actor))


# The values of each new row, keyed by attname: one referral's and ten thousand's (an import,
# written by `insert_rows`) come from the same builders.
def _consent(person_id: int, text: ConsentText, given_on: date, method: str, *, actor: Actor) -> dict[str, Any]:
    user = signed_in(actor)
    return {
        "person_id": person_id,
        "text_id": text.pk,
        "given_on": given_on,
        "method": method,
        "recorded_by_id": user.pk if user else None,
        "recorded_at": timezone.now(),
        "withdrawn_on": None,
    }


def _referral(
    person_id: int,
    partner: Organisation | None,
    source: str,
    reason: str,
    referrer: Mapping[str, str],
    *,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    user = signed_in(actor)
    return {
        "person_id": person_id,
        "partner_id": partner.pk if partner else None,
        "source": source,
        "status": S.RECEIVED,
        "reason": reason.strip(),
        "referred_at": at,
        "status_changed_at": at,
        "created_by_id": user.pk if user else None,
        "referrer_name": referrer.get("name", ""),
        "referrer_email": referrer.get("email", ""),
        "referrer_phone": referrer.get("phone", ""),
    }


def _first_transition(referral_id: int, *, at: datetime, actor: Actor, note: str = "") -> dict[str, Any]:
    """The first row of the history: when it arrived, so every status has a date."""
    user = signed_in(actor)
    return {
        "referral_id": referral_id,
        "from_status": "",
        "to_status": S.RECEIVED,
        "at": at,
        "actor_id": user.pk if user else None,
        "note": note,
    }
