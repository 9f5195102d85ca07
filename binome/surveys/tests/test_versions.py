"""A changed question never rewrites past answers: it makes a new version."""

from __future__ import annotations

import pytest

from binome.audit.models import AuditEvent
from binome.surveys import services
from binome.surveys.instruments import INSTRUMENTS
from binome.surveys.models import Answer, Instrument, InstrumentVersion, Question
from conftest import Cast

from .conftest import invite

pytestmark = pytest.mark.django_db


def _spec(code: str) -> list[dict]:
    return next(i for i in INSTRUMENTS if i["code"] == code)["questions"]


def test_loading_the_built_in_instruments_twice_changes_nothing(instruments: None) -> None:
    assert Instrument.objects.count() == 8
    versions = InstrumentVersion.objects.count()
    questions = Question.objects.count()
    services.load_instruments()
    assert InstrumentVersion.objects.count() == versions == 8
    assert Question.objects.count() == questions


def test_every_built_in_question_speaks_french_english_and_arabic(instruments: None) -> None:
    for question in Question.objects.all():
        assert {"fr", "en", "ar"} <= question.label.keys(), question.key
        for choice in question.choices:
            assert {"fr", "en", "ar"} <= choice["label"].keys(), (question.key, choice["key"])


def test_a_version_without_answers_is_edited_in_place(cast: Cast, instruments: None) -> None:
    instrument = Instrument.objects.get(code="mentee_baseline")
    questions = [dict(q) for q in _spec("mentee_baseline")]
    questions[0] = {**questions[0], "label": {"fr": "Situation ?", "en": "Situation?", "ar": "الوضع؟"}}
    version = services.revise_instrument(instrument, questions, actor=cast.nadia)
    assert version.number == 1
    assert version.questions.get(key="employment_status").label["en"] == "Situation?"


def test_editing_an_answered_instrument_makes_a_new_version_and_keeps_old_answers(
    cast: Cast, instruments: None
) -> None:
    invitation = invite(cast, "mentee_baseline")
    services.record_answers_directly(
        invitation, {"employment_status": "job_seeking", "confidence": 2}, submitted_at=None
    )
    old = invitation.wave.version
    old_label = old.questions.get(key="confidence").label

    questions = [dict(q) for q in _spec("mentee_baseline")]
    for q in questions:
        if q["key"] == "confidence":
            q["label"] = {"fr": "Confiance ?", "en": "Confidence?", "ar": "الثقة؟"}
            q["max_value"] = 10
    new = services.revise_instrument(Instrument.objects.get(code="mentee_baseline"), questions, actor=cast.nadia)

    assert new.number == 2
    assert new.pk != old.pk
    assert old.questions.get(key="confidence").label == old_label  # untouched
    answer = Answer.objects.get(response__invitation=invitation, question__key="confidence")
    assert answer.question.version_id == old.pk
    assert answer.value == 2
    invitation.wave.refresh_from_db()
    assert invitation.wave.version_id == new.pk  # new respondents get the new questions
    assert services.version_of(invitation).pk == old.pk  # this respondent keeps the ones they started
    assert AuditEvent.objects.filter(verb="versioned", target_id=str(new.pk), actor=cast.nadia).exists()
    # Revising again with the same questions changes nothing.
    assert (
        services.revise_instrument(Instrument.objects.get(code="mentee_baseline"), questions, actor=cast.nadia) == new
    )


def test_two_questions_with_one_key_are_refused(instruments: None) -> None:
    from django.core.exceptions import ValidationError

    questions = [*_spec("mentor_mid"), _spec("mentor_mid")[0]]
    with pytest.raises(ValidationError):
        services.revise_instrument(Instrument.objects.get(code="mentor_mid"), questions, actor=None)
