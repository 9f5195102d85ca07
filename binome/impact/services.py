"""Every write of outcomes: staff pages and survey answers both come through here, audited.

The surveys app calls `record_outcome(..., source=Source.SURVEY, survey_ref=...)`,
`record_network(...)` and `record_mentor_skills(...)` when an answer is saved.
"""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.impact.models import (
    OPPORTUNITY_KINDS,
    MentorSkillsScore,
    NetworkReport,
    Outcome,
    OutcomeConflict,
    Source,
)
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.reference.models import Occupation, Sector


def _contradicts(staff: Outcome, survey: Outcome) -> bool:
    """Whether a staff record and a survey answer say incompatible things, on what both carry:
    the kind and the date (a survey never gives a sector or an occupation). Same kind on another
    date; or "no opportunity yet" on a day when the other side has an opportunity already."""
    if survey.kind == Outcome.Kind.NONE:
        return staff.kind in OPPORTUNITY_KINDS and staff.date <= survey.date
    if staff.kind == Outcome.Kind.NONE:
        return survey.kind in OPPORTUNITY_KINDS and survey.date <= staff.date
    return staff.kind == survey.kind and staff.date != survey.date


def _disagreeing_staff_outcomes(survey_outcome: Outcome, staff: list[Outcome] | None = None) -> list[Outcome]:
    """The counted staff records the survey answer contradicts; none when one staff record of the
    same kind and date confirms it (two contracts of one kind on two dates are two facts)."""
    if staff is None:
        staff = list(
            Outcome.objects.filter(
                person_id=survey_outcome.person_id, source=Source.STAFF, status=Outcome.Status.ACTIVE
            ).exclude(pk=survey_outcome.pk)
        )
    if survey_outcome.kind != Outcome.Kind.NONE and any(
        (o.kind, o.date) == (survey_outcome.kind, survey_outcome.date) for o in staff
    ):
        return []
    return [o for o in staff if _contradicts(o, survey_outcome)]


def _sync_conflicts(person_id: int, *, actor: Actor) -> None:
    """Make the person's conflicts what their records say now, whatever the order they came in:
    raise each disagreement not raised yet, withdraw a pending one that no longer holds (one side
    was corrected or deleted), and keep a survey answer aside exactly while a conflict is pending.
    A decided conflict stands: staff already chose."""
    staff = list(Outcome.objects.filter(person_id=person_id, source=Source.STAFF, status=Outcome.Status.ACTIVE))
    surveys = list(
        Outcome.objects.select_for_update()
        .filter(person_id=person_id, source=Source.SURVEY)
        .exclude(status=Outcome.Status.DISCARDED)
        .order_by("pk")
    )
    known = {
        (c.survey_outcome_id, c.staff_outcome_id): c
        for c in OutcomeConflict.objects.filter(survey_outcome__in=[o.pk for o in surveys])
    }
    for survey in surveys:
        disagreeing = {o.pk for o in _disagreeing_staff_outcomes(survey, staff)}
        pending = False
        for (survey_id, staff_id), conflict in list(known.items()):
            if survey_id != survey.pk or conflict.decision != OutcomeConflict.Decision.PENDING:
                continue
            if staff_id in disagreeing:
                pending = True
                continue
            audit.record(actor=actor, verb=audit.Verb.CONFLICT_WITHDRAWN, target=conflict, person_id=person_id)
            conflict.delete()
        for staff_id in sorted(disagreeing - {s for (o, s) in known if o == survey.pk}):
            conflict = OutcomeConflict.objects.create(
                person_id=person_id, staff_outcome_id=staff_id, survey_outcome=survey
            )
            audit.record(actor=actor, verb=audit.Verb.CONFLICT_RAISED, target=conflict, person_id=person_id)
            pending = True
        status = Outcome.Status.CONFLICT if pending else Outcome.Status.ACTIVE
        if survey.status != status:
            survey.status = status
            survey.save(update_fields=["status"])


def _check_duo(person: Person, duo: Duo | None) -> None:
    if duo is not None and duo.mentee.person_id != person.pk:
        raise ValidationError(_("This duo is not this mentee's."))


@transaction.atomic
def record_outcome(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    date: Date,
    source: str,
    sector: Sector | None = None,
    occupation: Occupation | None = None,
    duo: Duo | None = None,
    survey_ref: str | int | None = None,
) -> Outcome:
    """Record an opportunity (or "none yet") for a mentee. A survey answer that disagrees with a
    staff record, entered before or after it, is kept aside (status "conflict") until staff decide."""
    if kind not in Outcome.Kind.values:
        raise ValidationError(_("Unknown kind of outcome."))
    if source not in Source.values:
        raise ValidationError(_("Unknown source."))
    if date > timezone.localdate():
        raise ValidationError(_("An outcome cannot be dated in the future."))
    _check_duo(person, duo)
    outcome = Outcome.objects.create(
        person=person,
        duo=duo,
        kind=kind,
        date=date,
        sector=sector,
        occupation=occupation,
        source=source,
        survey_ref="" if survey_ref is None else str(survey_ref),
        recorded_by=signed_in(actor),
    )
    audit.record(actor=actor, verb=audit.Verb.RECORDED, target=outcome, person_id=person.pk, kind=kind, source=source)
    _sync_conflicts(person.pk, actor=actor)
    outcome.refresh_from_db(fields=["status"])
    return outcome


@transaction.atomic
def update_outcome(
    outcome: Outcome,
    *,
    actor: Actor,
    kind: str,
    date: Date,
    sector: Sector | None = None,
    occupation: Occupation | None = None,
) -> Outcome:
    """Staff correct an outcome they recorded; survey answers are corrected by a conflict decision."""
    if outcome.source != Source.STAFF:
        raise ValidationError(_("A survey answer cannot be edited; record the correct fact instead."))
    if date > timezone.localdate():
        raise ValidationError(_("An outcome cannot be dated in the future."))
    changed = [
        name
        for name, value in (("kind", kind), ("date", date), ("sector", sector), ("occupation", occupation))
        if getattr(outcome, name) != value
    ]
    outcome.kind, outcome.date, outcome.sector, outcome.occupation = kind, date, sector, occupation
    outcome.save(update_fields=["kind", "date", "sector", "occupation"])
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=outcome, person_id=outcome.person_id, fields=changed)
    _sync_conflicts(outcome.person_id, actor=actor)  # the correction may settle or open a disagreement
    return outcome


@transaction.atomic
def delete_outcome(outcome: Outcome, *, actor: Actor) -> None:
    if outcome.source != Source.STAFF:
        raise ValidationError(_("A survey answer cannot be deleted; decide on its conflict instead."))
    audit.record(actor=actor, verb=audit.Verb.DELETED, target=outcome, person_id=outcome.person_id, kind=outcome.kind)
    for conflict in OutcomeConflict.objects.filter(staff_outcome=outcome, decision=OutcomeConflict.Decision.PENDING):
        audit.record(actor=actor, verb=audit.Verb.CONFLICT_WITHDRAWN, target=conflict, person_id=outcome.person_id)
    person_id = outcome.person_id
    outcome.delete()
    _sync_conflicts(person_id, actor=actor)  # a survey answer kept aside only by this record counts again


@transaction.atomic
def resolve_conflict(conflict: OutcomeConflict, *, actor: Actor, decision: str) -> OutcomeConflict:
    """Keep the staff record, the survey answer, or both. The discarded row stays, marked."""
    conflict = OutcomeConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.decision != OutcomeConflict.Decision.PENDING:
        raise ValidationError(_("This conflict has already been decided."))
    if decision not in {
        OutcomeConflict.Decision.KEEP_STAFF,
        OutcomeConflict.Decision.KEEP_SURVEY,
        OutcomeConflict.Decision.KEEP_BOTH,
    }:
        raise ValidationError(_("Choose which record to keep."))
    staff, survey = conflict.staff_outcome, conflict.survey_outcome
    if decision == OutcomeConflict.Decision.KEEP_STAFF:
        survey.status = Outcome.Status.DISCARDED
    elif decision == OutcomeConflict.Decision.KEEP_SURVEY:
        staff.status = Outcome.Status.DISCARDED
        survey.status = Outcome.Status.ACTIVE
    else:
        survey.status = Outcome.Status.ACTIVE
    conflict.decision = decision
    conflict.decided_at = timezone.now()
    conflict.decided_by = signed_in(actor)
    conflict.save(update_fields=["decision", "decided_at", "decided_by"])
    staff.save(update_fields=["status"])
    # The survey answer may disagree with several staff rows: it stays aside while any is pending.
    if (
        survey.status == Outcome.Status.ACTIVE
        and OutcomeConflict.objects.filter(survey_outcome=survey, decision=OutcomeConflict.Decision.PENDING).exists()
    ):
        survey.status = Outcome.Status.CONFLICT
    survey.save(update_fields=["status"])
    audit.record(
        actor=actor, verb=audit.Verb.RESOLVED, target=conflict, person_id=conflict.person_id, decision=decision
    )
    _sync_conflicts(conflict.person_id, actor=actor)  # a discarded staff record contradicts nothing any more
    return conflict


@transaction.atomic
def record_network(
    *,
    actor: Actor,
    person: Person,
    contacts: int,
    date: Date,
    source: str,
    duo: Duo | None = None,
    survey_ref: str | int | None = None,
) -> NetworkReport:
    """Record how many professional contacts (as the Definitions say) a mentee reports."""
    if contacts < 0:
        raise ValidationError(_("A number of contacts cannot be negative."))
    if source not in Source.values:
        raise ValidationError(_("Unknown source."))
    if date > timezone.localdate():
        raise ValidationError(_("A number of professional contacts cannot be dated in the future."))
    _check_duo(person, duo)
    report = NetworkReport.objects.create(
        person=person,
        duo=duo,
        date=date,
        contacts=contacts,
        source=source,
        survey_ref="" if survey_ref is None else str(survey_ref),
        recorded_by=signed_in(actor),
    )
    audit.record(actor=actor, verb=audit.Verb.RECORDED, target=report, person_id=person.pk, source=source)
    return report


@transaction.atomic
def record_mentor_skills(
    *,
    actor: Actor,
    person: Person,
    moment: str,
    score: float,
    date: Date,
    duo: Duo | None = None,
    survey_ref: str | int | None = None,
) -> MentorSkillsScore:
    """A mentor's skills self-assessment (0–100) before or after, from the mentor surveys."""
    if moment not in MentorSkillsScore.Moment.values:
        raise ValidationError(_("Unknown moment."))
    if not 0 <= score <= 100:
        raise ValidationError(_("A skills score is between 0 and 100."))
    row = MentorSkillsScore.objects.create(
        person=person,
        duo=duo,
        moment=moment,
        score=score,
        date=date,
        survey_ref="" if survey_ref is None else str(survey_ref),
    )
    audit.record(actor=actor, verb=audit.Verb.RECORDED, target=row, person_id=person.pk, moment=moment)
    return row
