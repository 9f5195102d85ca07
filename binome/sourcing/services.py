"""Every write to referrals goes through here, names who acted and leaves a transition row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
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
from binome.sourcing.eligibility import PreCheck, precheck, prechecks
from binome.sourcing.models import Consent, ConsentText, Referral, ReferralTransition
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

# A decision ends the screening walk. It may be taken from any step of the walk: the steps it goes
# past are recorded as skipped (who decided, when), so the history never pretends an interview was held.
SCREENING_WALK: tuple[str, ...] = (S.RECEIVED, S.CONTACTED, S.INTERVIEW_SCHEDULED, S.INTERVIEWED)
DECISIONS: tuple[str, ...] = (S.ELIGIBLE, S.INELIGIBLE, S.WAITLISTED)


def allowed_next(referral: Referral, *, include_system: bool = False) -> list[str]:
    targets = TRANSITIONS[referral.status]
    return [s.value for s in S if s in targets and (include_system or s not in SYSTEM_ONLY)]


def skipped_steps(from_status: str, to_status: str) -> list[str] | None:
    """The steps a move goes past: [] for a move the pipeline allows as it is, the rest of the
    screening walk for a decision taken before its end, None when the move is not allowed."""
    if to_status in TRANSITIONS.get(from_status, frozenset()):
        return []
    if to_status not in DECISIONS or from_status not in SCREENING_WALK:
        return None
    return list(SCREENING_WALK[SCREENING_WALK.index(from_status) + 1 :])


def decisions_from(referral: Referral) -> list[str]:
    """The decisions that can be taken on this referral in one action, skipped steps or not."""
    return [d for d in DECISIONS if skipped_steps(referral.status, d) is not None]


def _check_move(locked: Referral, to_status: str, *, note: str, system: bool, skip: bool) -> list[str]:
    """The steps the move goes past, once the pipeline's rules hold (ValidationError if one does not;
    the pre-check and the cohort are checked apart)."""
    if skip:
        steps = skipped_steps(locked.status, to_status)
    else:
        steps = [] if to_status in TRANSITIONS.get(locked.status, frozenset()) else None
    if steps is None:
        raise ValidationError(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(locked.status).label, "to": S(to_status).label if to_status in S.values else to_status}
        )
    if to_status in SYSTEM_ONLY and not system:
        raise ValidationError(_("“%(to)s” is set by the programme itself.") % {"to": S(to_status).label})
    if to_status in REASON_REQUIRED and not note:
        raise ValidationError(_("Give a reason for “%(to)s”.") % {"to": S(to_status).label})
    return steps


def _precheck_override(locked: Referral, override: str, check: PreCheck | None) -> str:
    """The justification to keep when making someone eligible against the pre-check ("" when it passes)."""
    failed = (check or precheck(locked)).failed
    if failed and not override:
        raise ValidationError(
            _("The pre-check finds rules not met (%(rules)s): write why this person is eligible anyway.")
            % {"rules": ", ".join(r.label for r in failed)}
        )
    return override if failed else ""


def move_referral(
    referral: Referral,
    to_status: str,
    *,
    actor: Actor,
    note: str = "",
    cohort: Cohort | None = None,
    system: bool = False,
    override: str = "",
    skip: bool = False,
    check: PreCheck | None = None,
) -> ReferralTransition:
    """Move one referral along the pipeline, recording who moved it and why.

    `system=True` is for the services that own "matched" and "completed" (pairing, delivery).
    `skip=True` lets a decision (eligible, ineligible, waitlisted) be taken from any step of the
    screening walk: each step gone past gets a transition marked skipped, same person, same time.
    Moving to "eligible" while the pre-check has a rule not met needs `override`, a written
    justification kept on the referral and in the transition's note (`check`: the pre-check
    already read for this referral, by a bulk move).
    The referrer hears of the change in the next daily digest (sourcing/digest.py).
    Raises ValidationError with a message a coordinator can read.
    """
    with transaction.atomic():
        # Lock the row: two coordinators clicking at once must not both move it from the same state.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        note = note.strip()
        steps = _check_move(locked, to_status, note=note, system=system, skip=skip)
        if to_status == S.ENROLLED:
            if cohort is None:
                raise ValidationError(_("Choose the cohort to enrol this person in."))
            if cohort.territory_id != locked.person.territory_id:
                raise ValidationError(_("The cohort is in another territory."))
            locked.cohort = cohort
        update_fields = ["status", "status_changed_at", "cohort", "status_reason"]
        if to_status == S.ELIGIBLE and not system and (kept := _precheck_override(locked, override.strip(), check)):
            locked.precheck_override = kept
            update_fields.append("precheck_override")
            note = "\n".join(filter(None, [note, _("Pre-check overridden: %(why)s") % {"why": kept}]))
        now = timezone.now()
        user = signed_in(actor)
        walk = [locked.status, *steps]
        ReferralTransition.objects.bulk_create(
            ReferralTransition(referral=locked, from_status=a, to_status=b, at=now, actor=user, skipped=True)
            for a, b in pairwise(walk)
        )
        transition = ReferralTransition.objects.create(
            referral=locked, from_status=walk[-1], to_status=to_status, at=now, actor=user, note=note
        )
        locked.status = to_status
        locked.status_changed_at = now
        if to_status in {S.INELIGIBLE, S.WAITLISTED, S.LEFT} and note:
            locked.status_reason = note
        locked.save(update_fields=update_fields)
        audit.record(actor=actor, verb=audit.Verb.MOVED, target=locked, to=to_status, **_skipped(steps))
    referral.refresh_from_db()
    return transition


def _skipped(steps: list[str]) -> dict[str, Any]:
    return {"skipped": steps} if steps else {}


def move_referrals(
    referrals: Iterable[Referral],
    to_status: str,
    *,
    actor: Actor,
    note: str = "",
    system: bool = False,
    override: str = "",
    cohort: Cohort | None = None,
    skip: bool = False,
) -> list[ReferralTransition]:
    """All or nothing: a bulk action that fails on one referral moves none.

    Every referral is tried, so the error lists each one that could not move and why
    (BulkMoveError), rather than stopping at the first.
    """
    moved: list[ReferralTransition] = []
    failures: list[tuple[Referral, str]] = []
    referrals = list(referrals)
    # Each territory's rules read once, not once per referral: 80 people in one action.
    checks = prechecks(referrals) if to_status == S.ELIGIBLE and not system else {}
    with transaction.atomic():
        for referral in referrals:
            try:
                moved.append(
                    move_referral(
                        referral,
                        to_status,
                        actor=actor,
                        note=note,
                        system=system,
                        override=override,
                        cohort=cohort,
                        skip=skip,
                        check=checks.get(referral.pk),
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

    def by_reason(self) -> list[tuple[str, list[Referral]]]:
        """The failures grouped by their reason, the most frequent first: 80 refusals for one
        cause read as one line, not 80."""
        groups: dict[str, list[Referral]] = {}
        for referral, why in self.failures:
            groups.setdefault(why, []).append(referral)
        return sorted(groups.items(), key=lambda item: -len(item[1]))


@dataclass
class MovePreview:
    """What a bulk move or decision would do, for the page that asks to confirm it."""

    total: int
    moving: int = 0
    already: int = 0  # a decision on referrals already at that status leaves them as they are
    walks: list[tuple[str, int, list[str]]] = field(default_factory=list)  # (from, how many, skipped steps)
    refused: list[tuple[str, int]] = field(default_factory=list)  # (the rule in the way, how many)
    precheck_fails: int = 0  # made eligible against the pre-check: needs a written justification


def preview_move(referrals: Sequence[Referral], to_status: str, *, skip: bool, override: str = "") -> MovePreview:
    """Count, without writing anything, what `move_referrals(referrals, to_status, skip=skip)` would do."""
    preview = MovePreview(total=len(referrals))
    walks: dict[str, int] = {}
    refused: dict[str, int] = {}
    for referral in referrals:
        if skip and referral.status == to_status:
            preview.already += 1
            continue
        steps = skipped_steps(referral.status, to_status) if skip else None
        if steps is None and to_status in TRANSITIONS[referral.status]:
            steps = []
        if steps is None:
            why = _("A referral cannot go from “%(from)s” to “%(to)s”.") % {
                "from": S(referral.status).label,
                "to": S(to_status).label,
            }
            refused[why] = refused.get(why, 0) + 1
            continue
        preview.moving += 1
        walks[referral.status] = walks.get(referral.status, 0) + 1
    preview.walks = [
        (str(S(status).label), n, [str(S(step).label) for step in skipped_steps(status, to_status) or []])
        for status, n in walks.items()
    ]
    preview.refused = sorted(refused.items(), key=lambda item: -item[1])
    if to_status == S.ELIGIBLE and not override.strip():
        checks = prechecks([r for r in referrals if r.status != to_status])
        preview.precheck_fails = sum(1 for check in checks.values() if check.failed)
    return preview


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
