from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from binome.audit.models import AuditEvent
from binome.impact import services
from binome.impact.models import Outcome, OutcomeConflict, Source

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
