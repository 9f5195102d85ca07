from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from binome.audit.models import AuditEvent
from binome.impact import services
from binome.impact.models import NetworkReport, Outcome, OutcomeConflict, Source
from binome.reference.models import Occupation, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel("2026-10-01 10:00 +0200", tick=False):
        yield


def _staff(cast, kind=Outcome.Kind.CDD, day=date(2026, 8, 20), **kw):
    return services.record_outcome(
        actor=cast.amara, person=cast.chloe.person, kind=kind, date=day, source=Source.STAFF, duo=cast.paris_duo, **kw
    )


def _survey(cast, kind=Outcome.Kind.CDD, day=date(2026, 8, 20), **kw):
    return services.record_outcome(
        actor=None, person=cast.chloe.person, kind=kind, date=day, source=Source.SURVEY, survey_ref=41, **kw
    )


def test_staff_outcome_is_recorded_and_audited(cast):
    outcome = _staff(cast, sector=None)
    assert outcome.status == Outcome.Status.ACTIVE
    assert AuditEvent.objects.filter(verb="recorded", target_id=str(outcome.pk), target_type="impact.outcome").exists()


def test_future_date_and_foreign_duo_are_refused(cast):
    with pytest.raises(ValidationError):
        _staff(cast, day=date(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.record_outcome(
            actor=cast.amara,
            person=cast.chloe.person,
            kind=Outcome.Kind.CDI,
            date=date(2026, 8, 1),
            source=Source.STAFF,
            duo=cast.lyon_duo,
        )
    assert not Outcome.objects.exists()


def test_survey_confirming_staff_fact_raises_no_conflict(cast):
    _staff(cast)
    survey = _survey(cast)
    assert survey.status == Outcome.Status.ACTIVE
    assert survey.survey_ref == "41"
    assert not OutcomeConflict.objects.exists()


def test_survey_disagreeing_is_set_aside_until_staff_decide(cast):
    staff = _staff(cast)
    survey = _survey(cast, day=date(2026, 7, 1))
    assert survey.status == Outcome.Status.CONFLICT
    conflict = OutcomeConflict.objects.get()
    assert (conflict.staff_outcome, conflict.survey_outcome) == (staff, survey)
    services.resolve_conflict(conflict, actor=cast.amara, decision=OutcomeConflict.Decision.KEEP_SURVEY)
    staff.refresh_from_db()
    survey.refresh_from_db()
    assert (staff.status, survey.status) == (Outcome.Status.DISCARDED, Outcome.Status.ACTIVE)
    with pytest.raises(ValidationError):
        services.resolve_conflict(conflict, actor=cast.amara, decision=OutcomeConflict.Decision.KEEP_BOTH)


def test_survey_saying_none_contradicts_an_earlier_staff_opportunity(cast):
    _staff(cast, kind=Outcome.Kind.CDI)
    survey = _survey(cast, kind=Outcome.Kind.NONE, day=date(2026, 9, 1))
    assert survey.status == Outcome.Status.CONFLICT
    conflict = OutcomeConflict.objects.get()
    services.resolve_conflict(conflict, actor=cast.amara, decision=OutcomeConflict.Decision.KEEP_STAFF)
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.DISCARDED


def test_keep_both(cast):
    staff = _staff(cast)
    survey = _survey(cast, day=date(2026, 9, 20))
    services.resolve_conflict(OutcomeConflict.objects.get(), actor=cast.amara, decision="keep_both")
    staff.refresh_from_db()
    survey.refresh_from_db()
    assert staff.status == survey.status == Outcome.Status.ACTIVE


def test_survey_answer_cannot_be_edited_by_staff(cast):
    survey = _survey(cast)
    with pytest.raises(ValidationError):
        services.update_outcome(survey, actor=cast.amara, kind=Outcome.Kind.CDI, date=date(2026, 8, 1))
    staff = _staff(cast)
    services.update_outcome(staff, actor=cast.amara, kind=Outcome.Kind.CDI, date=date(2026, 8, 1))
    staff.refresh_from_db()
    assert staff.kind == Outcome.Kind.CDI
    assert AuditEvent.objects.filter(
        verb="updated", target_type="impact.outcome", target_id=str(staff.pk)
    ).get().details["fields"] == [
        "kind",
        "date",
    ]


def _state():
    """The conflicts (staff kind and date, survey kind and date, decision) and the survey answers' statuses."""
    conflicts = sorted(
        (c.staff_outcome.kind, c.staff_outcome.date, c.survey_outcome.kind, c.survey_outcome.date, c.decision)
        for c in OutcomeConflict.objects.select_related("staff_outcome", "survey_outcome")
    )
    statuses = sorted(Outcome.objects.filter(source=Source.SURVEY).values_list("kind", "status"))
    return conflicts, statuses


@pytest.mark.parametrize(
    ("staff", "survey", "conflict"),
    [
        ((Outcome.Kind.CDD, date(2026, 8, 20)), (Outcome.Kind.CDD, date(2026, 7, 1)), True),  # same kind, other day
        ((Outcome.Kind.NONE, date(2026, 9, 5)), (Outcome.Kind.CDD, date(2026, 7, 1)), True),  # staff "none yet" after
        ((Outcome.Kind.CDI, date(2026, 7, 1)), (Outcome.Kind.NONE, date(2026, 9, 5)), True),  # survey "none yet" after
        ((Outcome.Kind.NONE, date(2026, 6, 1)), (Outcome.Kind.CDD, date(2026, 7, 1)), False),  # none yet, then a CDD
        ((Outcome.Kind.CDD, date(2026, 8, 20)), (Outcome.Kind.CDD, date(2026, 8, 20)), False),  # confirmed
        ((Outcome.Kind.CDI, date(2026, 8, 20)), (Outcome.Kind.CDD, date(2026, 8, 20)), False),  # two facts
    ],
)
def test_a_conflict_is_the_same_whatever_the_order_of_entry(cast, staff, survey, conflict):
    states = []
    for order in ("staff first", "survey first"):
        with transaction.atomic():
            steps = [
                lambda: _staff(cast, kind=staff[0], day=staff[1]),
                lambda: _survey(cast, kind=survey[0], day=survey[1]),
            ]
            for step in steps if order == "staff first" else reversed(steps):
                step()
            states.append(_state())
            transaction.set_rollback(True)
    assert states[0] == states[1]
    conflicts, statuses = states[0]
    assert bool(conflicts) is conflict
    assert statuses == [(survey[0], Outcome.Status.CONFLICT if conflict else Outcome.Status.ACTIVE)]


def test_a_survey_confirming_a_staff_record_with_sector_and_occupation_is_no_conflict(cast):
    _staff(
        cast, kind=Outcome.Kind.CDI, sector=Sector.objects.get(pk="62"), occupation=Occupation.objects.get(pk="M1805")
    )
    survey = _survey(cast, kind=Outcome.Kind.CDI)  # a survey carries no sector nor occupation
    assert survey.status == Outcome.Status.ACTIVE
    assert not OutcomeConflict.objects.exists()


def test_a_staff_record_entered_after_the_survey_raises_the_conflict_and_audits_it(cast):
    survey = _survey(cast)
    assert survey.status == Outcome.Status.ACTIVE
    staff = _staff(cast, day=date(2026, 7, 1))
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.CONFLICT
    conflict = OutcomeConflict.objects.get()
    assert (conflict.staff_outcome, conflict.survey_outcome) == (staff, survey)
    assert AuditEvent.objects.filter(verb="conflict_raised", target_id=str(conflict.pk), actor=cast.amara).exists()


def test_a_conflict_is_withdrawn_when_staff_correct_their_record(cast):
    staff = _staff(cast, day=date(2026, 7, 1))
    survey = _survey(cast)
    conflict = OutcomeConflict.objects.get()
    services.update_outcome(staff, actor=cast.amara, kind=Outcome.Kind.CDD, date=date(2026, 8, 20))
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.ACTIVE
    assert not OutcomeConflict.objects.exists()
    assert AuditEvent.objects.filter(verb="conflict_withdrawn", target_id=str(conflict.pk), actor=cast.amara).exists()
    services.update_outcome(staff, actor=cast.amara, kind=Outcome.Kind.CDD, date=date(2026, 6, 1))
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.CONFLICT  # disagreeing again: raised again
    assert OutcomeConflict.objects.filter(decision=OutcomeConflict.Decision.PENDING).count() == 1


def test_a_conflict_is_withdrawn_when_the_staff_record_is_deleted(cast):
    staff = _staff(cast, day=date(2026, 7, 1))
    survey = _survey(cast)
    conflict_pk = OutcomeConflict.objects.get().pk
    services.delete_outcome(staff, actor=cast.amara)
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.ACTIVE  # counts again
    assert not OutcomeConflict.objects.exists()
    assert AuditEvent.objects.filter(verb="conflict_withdrawn", target_id=str(conflict_pk)).exists()


def test_a_decided_conflict_stands_when_more_records_come(cast):
    _staff(cast, day=date(2026, 7, 1))
    survey = _survey(cast)
    services.resolve_conflict(OutcomeConflict.objects.get(), actor=cast.amara, decision="keep_both")
    _staff(cast, kind=Outcome.Kind.CDI, day=date(2026, 8, 1))  # another kind: no new disagreement
    survey.refresh_from_db()
    assert survey.status == Outcome.Status.ACTIVE
    assert list(OutcomeConflict.objects.values_list("decision", flat=True)) == ["keep_both"]


def test_a_network_count_in_the_future_is_refused(cast):
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        services.record_network(
            actor=cast.amara, person=cast.chloe.person, contacts=4, date=date(2026, 10, 2), source=Source.STAFF
        )
    assert not NetworkReport.objects.exists()
    report = services.record_network(
        actor=cast.amara, person=cast.chloe.person, contacts=4, date=date(2026, 10, 1), source=Source.STAFF
    )
    assert AuditEvent.objects.filter(
        verb="recorded", target_type="impact.networkreport", target_id=str(report.pk)
    ).exists()


def test_the_future_network_date_message_is_in_french(cast):
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.record_network(
            actor=cast.amara, person=cast.chloe.person, contacts=4, date=date(2026, 10, 2), source=Source.STAFF
        )
    assert error.value.messages == ["Un nombre de contacts professionnels ne peut pas être daté dans le futur."]
