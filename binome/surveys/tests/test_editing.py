"""Changing a questionnaire: the rules (editing.py), the services that apply them, and the page
national admins use. A change never rewrites answered questions and never cuts a figure off
from the question it reads."""

from __future__ import annotations

import inspect
import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binome.audit.models import AuditEvent
from binome.impact import survey_outcomes
from binome.portals.tests.hostile import HOSTILE_TEXT
from binome.surveys import editing, selectors, services
from binome.surveys.models import Answer, Instrument, InstrumentVersion
from conftest import Cast

from .conftest import invite
from .test_pages import open_until_2099

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TRILINGUAL = {"fr": "Avez-vous un logement stable ?", "en": "Do you have stable housing?", "ar": "هل لديك سكن مستقر؟"}
YES_NO_TEXT = "yes | Oui | Yes | نعم\nno | Non | No | لا"


def _instrument(code: str = "mentee_end") -> Instrument:
    return Instrument.objects.get(code=code)


def _keys(instrument: Instrument) -> list[str]:
    return [q["key"] for q in services.current_questions(instrument)]


def _housing(**extra: Any) -> dict[str, Any]:
    return {
        "key": "housing",
        "kind": "single",
        "label": TRILINGUAL,
        "choices": [
            {"key": "yes", "label": {"fr": "Oui", "en": "Yes", "ar": "نعم"}},
            {"key": "no", "label": {"fr": "Non", "en": "No", "ar": "لا"}},
        ],
        **extra,
    }


# --- the rules ---------------------------------------------------------------------------


def test_the_protected_keys_cover_every_key_read_outside_the_survey_pages() -> None:
    read_by_outcome_feed = set(re.findall(r'given\.get\("(\w+)"\)', inspect.getsource(selectors.outcome_answers)))
    assert read_by_outcome_feed, "the outcome feed reads answers by key"
    assert read_by_outcome_feed <= editing.READ_BY_KEY
    assert set(survey_outcomes.SKILL_KEYS) <= editing.READ_BY_KEY
    assert selectors.CHECKIN_KEY in editing.READ_BY_KEY


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"label": {"fr": "Logement ?"}}, "label"),  # a mentee question without English and Arabic
        ({"choices": [{"key": "yes", "label": TRILINGUAL}]}, "choices"),  # one choice only
        ({"choices": [{"key": "a b", "label": TRILINGUAL}, {"key": "c", "label": TRILINGUAL}]}, "choices"),
        ({"kind": "scale", "choices": []}, "max_value"),  # a scale without bounds
        ({"kind": "scale", "choices": [], "min_value": 0, "max_value": 20}, "max_value"),  # too many points
        ({"kind": "number", "choices": [], "min_value": 5, "max_value": 1}, "max_value"),
        ({"kind": "date"}, "choices"),  # choices on a type that has none
        ({"key": "Housing Status"}, "key"),
        ({"show_if": {"key": "comment", "equals": "x"}}, "show_if"),  # not a choice question
        ({"show_if": {"key": "had_opportunity", "equals": "maybe"}}, "show_if"),  # not one of its choices
        ({"show_if": {"key": "nowhere", "in": ["yes"]}}, "show_if"),
    ],
)
def test_a_question_that_makes_no_sense_is_refused_with_the_reason_on_its_field(
    change: dict[str, Any], field: str
) -> None:
    earlier: list[dict[str, Any]] = [
        {"key": "had_opportunity", "kind": "single", "choices": [{"key": "yes"}, {"key": "no"}]},
        {"key": "comment", "kind": "long_text", "choices": []},
    ]
    assert editing.question_errors(_housing(), earlier, "mentee") == {}
    assert field in editing.question_errors(_housing(**change), earlier, "mentee")


def test_mentor_questions_need_only_french() -> None:
    assert editing.question_errors(_housing(label={"fr": "Logement ?"}), [], "mentor") == {}
    assert "label" in editing.question_errors(_housing(label={"fr": "Logement ?"}), [], "mentee")


# --- the services ------------------------------------------------------------------------


def test_adding_a_question_to_an_answered_questionnaire_makes_a_new_version(cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentee_end")
    services.record_answers_directly(invitation, {"had_opportunity": "no"}, submitted_at=None)
    instrument = _instrument()
    before = instrument.current_version()
    assert before is not None
    before_keys = _keys(instrument)

    version = services.save_question(instrument, _housing(), actor=cast.nadia, note="Housing matters")

    assert version.number == before.number + 1
    assert version.note == "Housing matters"
    assert _keys(instrument) == [*before_keys, "housing"]
    assert [q.key for q in before.questions.all()] == before_keys  # the answered version is untouched
    answer = Answer.objects.get(response__invitation=invitation)
    assert answer.question.version_id == before.pk
    invitation.wave.refresh_from_db()
    assert invitation.wave.version_id == version.pk
    assert AuditEvent.objects.filter(verb="versioned", target_id=str(version.pk), actor=cast.nadia).exists()


def test_changing_a_question_keeps_its_key_and_edits_an_unanswered_version_in_place(
    cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    spec = {**services.current_questions(instrument)[-1]}
    key = spec["key"]
    spec.update(key="renamed", label={**spec["label"], "en": "Anything else you want to tell us?"})
    version = services.save_question(instrument, spec, actor=cast.nadia, replacing=key)
    assert version.number == 1
    assert version.questions.get(key=key).label["en"] == "Anything else you want to tell us?"
    assert not version.questions.filter(key="renamed").exists()


def test_a_question_feeding_the_figures_keeps_its_type_choices_and_place_in_the_list(
    cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    had = next(q for q in services.current_questions(instrument) if q["key"] == "had_opportunity")
    with pytest.raises(services.InvalidQuestions) as refused:
        services.save_question(
            instrument, {**had, "kind": "short_text", "choices": []}, actor=cast.nadia, replacing="had_opportunity"
        )
    assert "kind" in refused.value.by_question["had_opportunity"]
    with pytest.raises(services.InvalidQuestions) as refused:
        services.save_question(
            instrument, {**had, "choices": had["choices"][:1]}, actor=cast.nadia, replacing=had["key"]
        )
    assert "no" in refused.value.by_question["had_opportunity"]["choices"][-1]
    with pytest.raises(ValidationError):
        services.remove_question(instrument, "network_contacts", actor=cast.nadia)
    # Its texts can change.
    relabelled = {**had, "label": {**had["label"], "fr": "Avez-vous obtenu une opportunité ?"}}
    version = services.save_question(instrument, relabelled, actor=cast.nadia, replacing="had_opportunity")
    assert version.questions.get(key="had_opportunity").label["fr"] == "Avez-vous obtenu une opportunité ?"
    assert "network_contacts" in _keys(instrument)


def test_a_question_others_depend_on_cannot_be_removed_and_a_condition_cannot_go_above_its_source(
    cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    services.save_question(instrument, _housing(), actor=cast.nadia)
    services.save_question(
        instrument,
        {
            "key": "housing_help",
            "kind": "long_text",
            "label": TRILINGUAL,
            "show_if": {"key": "housing", "equals": "no"},
        },
        actor=cast.nadia,
    )
    with pytest.raises(services.InvalidQuestions, match="housing_help"):
        services.remove_question(instrument, "housing", actor=cast.nadia)
    with pytest.raises(services.InvalidQuestions) as refused:
        services.move_question(instrument, "housing_help", -1, actor=cast.nadia)
    assert "show_if" in refused.value.by_question["housing_help"]
    assert _keys(instrument)[-2:] == ["housing", "housing_help"]  # nothing moved
    services.remove_question(instrument, "housing_help", actor=cast.nadia)
    services.remove_question(instrument, "housing", actor=cast.nadia)
    assert "housing" not in _keys(instrument)


def test_moving_a_question_changes_only_its_place(cast: Cast, instruments: None) -> None:
    instrument = _instrument("mentor_end")
    keys = _keys(instrument)
    services.move_question(instrument, keys[1], -1, actor=cast.nadia)
    assert _keys(instrument) == [keys[1], keys[0], *keys[2:]]
    services.move_question(instrument, keys[1], -1, actor=cast.nadia)  # already first: unchanged
    assert _keys(instrument) == [keys[1], keys[0], *keys[2:]]


def test_loading_the_built_in_questionnaires_again_keeps_what_admins_changed(cast: Cast, instruments: None) -> None:
    instrument = _instrument()
    services.save_question(instrument, _housing(), actor=cast.nadia)
    services.load_instruments()
    assert "housing" in _keys(instrument)


# --- the page ----------------------------------------------------------------------------


def _page(instrument: Instrument) -> str:
    return reverse("surveys:instrument", kwargs={"pk": instrument.pk})


def _form_data(prefix: str, **fields: Any) -> dict[str, Any]:
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def test_a_national_admin_adds_a_question_and_the_next_respondent_sees_it(
    client_for: Any, cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    invitation = invite(cast, "mentee_end")
    services.record_answers_directly(invitation, {"had_opportunity": "no"}, submitted_at=None)
    client = client_for(cast.nadia)
    data = {
        "action": "add",
        **_form_data(
            "new",
            key="housing",
            kind="single",
            label_fr=TRILINGUAL["fr"],
            label_en=TRILINGUAL["en"],
            label_ar=TRILINGUAL["ar"],
            choices=YES_NO_TEXT,
            required="on",
            note="Housing comes up in every interview",
        ),
    }
    response = client.post(_page(instrument), data, **EN)
    assert response.status_code == 302
    version = instrument.current_version()
    assert version is not None
    assert version.number == 2
    housing = version.questions.get(key="housing")
    assert housing.required
    assert housing.label == TRILINGUAL
    assert [c["key"] for c in housing.choices] == ["yes", "no"]
    assert housing.choices[1]["label"]["ar"] == "لا"
    page = client.get(response["Location"], **EN).content.decode()
    assert "Saved as version 2" in page
    assert TRILINGUAL["en"] in page

    # The mentee who had started keeps her version; a new invitation gets the question in Arabic.
    assert "housing" not in {q.key for q in services.version_of(invitation).questions.all()}
    lyon = open_until_2099(invite(cast, "mentee_end", lyon=True))
    link = reverse("surveys:respond", kwargs={"token": services.issue_link(lyon)})
    assert TRILINGUAL["ar"] in client_for(None).get(link, HTTP_ACCEPT_LANGUAGE="ar").content.decode()


def test_bad_input_re_renders_the_form_with_messages_and_changes_nothing(
    client_for: Any, cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    before = services.current_questions(instrument)
    client = client_for(cast.nadia)
    data = {
        "action": "add",
        **_form_data("new", key="confidence_now", kind="scale", label_fr="Confiance ?", choices="only-a-key"),
    }
    response = client.post(_page(instrument), data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 1: write the key, then the French text" in page
    assert 'value="confidence_now"' in page  # what was typed is kept
    data["new-choices"] = ""
    response = client.post(_page(instrument), data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A scale needs its lowest and highest value." in page
    assert "Write it in: English, Arabic." in page
    assert services.current_questions(instrument) == before


def test_changing_a_question_on_the_page_keeps_its_key_and_refuses_a_new_type_for_a_figure_source(
    client_for: Any, cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    client = client_for(cast.nadia)
    from binome.surveys.forms import QuestionForm

    had = next(q for q in services.current_questions(instrument) if q["key"] == "had_opportunity")
    fields = {
        k: ("on" if v is True else v) for k, v in QuestionForm.initial_from(had).items() if v not in (None, False)
    }
    fields.update(label_en="Did you get an opportunity?", key="sneaky_rename")
    prefix = "q-had_opportunity"
    ok = client.post(
        _page(instrument), {"action": "save", "question": "had_opportunity", **_form_data(prefix, **fields)}, **EN
    )
    assert ok.status_code == 302
    current = instrument.current_version()
    assert current is not None
    assert current.questions.get(key="had_opportunity").label["en"] == "Did you get an opportunity?"
    assert not current.questions.filter(key="sneaky_rename").exists()

    fields.update(kind="short_text", choices="")
    refused = client.post(
        _page(instrument), {"action": "save", "question": "had_opportunity", **_form_data(prefix, **fields)}, **EN
    )
    assert refused.status_code == 400
    assert "its type stays the same" in refused.content.decode()
    assert current.questions.get(key="had_opportunity").kind == "single"


def test_coordinators_read_questionnaires_and_old_versions_but_cannot_change_them(
    client_for: Any, cast: Cast, instruments: None
) -> None:
    instrument = _instrument()
    invitation = invite(cast, "mentee_end")
    services.record_answers_directly(invitation, {"had_opportunity": "no"}, submitted_at=None)
    services.save_question(instrument, _housing(), actor=cast.nadia)
    client = client_for(cast.amara)
    listing = client.get(reverse("surveys:instruments"), **EN)
    assert listing.status_code == 200
    assert _page(instrument) in listing.content.decode()
    current = client.get(_page(instrument), **EN).content.decode()
    assert TRILINGUAL["en"] in current
    assert "Add a question" not in current
    assert 'name="action"' not in current
    old = client.get(_page(instrument) + "?version=1", **EN)
    assert old.status_code == 200
    assert TRILINGUAL["en"] not in old.content.decode()
    assert client.get(_page(instrument) + "?version=9", **EN).status_code == 404
    data = {"action": "add", **_form_data("new", key="x", kind="date", label_fr="Date ?")}
    assert client.post(_page(instrument), data, **EN).status_code == 404
    assert InstrumentVersion.objects.filter(instrument=instrument).count() == 2
    # Even a national admin cannot post onto an earlier version.
    assert client_for(cast.nadia).post(_page(instrument) + "?version=1", data, **EN).status_code == 404


def test_moving_and_removing_on_the_page(client_for: Any, cast: Cast, instruments: None) -> None:
    instrument = _instrument()
    services.save_question(instrument, _housing(), actor=cast.nadia)
    client = client_for(cast.nadia)
    keys = _keys(instrument)
    client.post(_page(instrument), {"action": "up", "question": "housing"}, **EN)
    assert _keys(instrument)[-2:] == ["housing", keys[-2]]
    response = client.post(_page(instrument), {"action": "remove", "question": "network_contacts"}, **EN)
    assert "feeds the impact figures" in client.get(response["Location"], **EN).content.decode()
    assert "network_contacts" in _keys(instrument)
    client.post(_page(instrument), {"action": "remove", "question": "housing"}, **EN)
    assert _keys(instrument) == keys[:-1]
    # A key that is not in the questionnaire changes nothing.
    response = client.post(_page(instrument), {"action": "remove", "question": "nope"}, **EN)
    assert response.status_code == 302
    assert _keys(instrument) == keys[:-1]


def test_the_overview_counts_the_current_versions_questions_and_every_versions_responses(
    cast: Cast, instruments: None
) -> None:
    invitation = invite(cast, "mentee_end")
    services.record_answers_directly(invitation, {"had_opportunity": "no"}, submitted_at=None)
    services.save_question(_instrument(), _housing(), actor=cast.nadia)
    rows = {i.code: i for i in selectors.instruments_overview()}
    for code, row in rows.items():
        assert row.n_questions == len(_keys(_instrument(code))), code
    assert rows["mentee_end"].current_number == 2
    assert rows["mentee_end"].n_responses == 1
    assert rows["mentee_baseline"].n_responses == 0


FIELD_NAMES = [
    "key",
    "kind",
    "label_fr",
    "label_en",
    "label_ar",
    "choices",
    "min_value",
    "max_value",
    "min_label",
    "required",
    "show_if_key",
    "show_if_values",
    "note",
]
hostile_values = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(["single", "multiple", "scale", "number", "date", "had_opportunity", "yes", "1", "10", "x|y"]),
    st.text(max_size=60),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(FIELD_NAMES), hostile_values), existing=st.booleans())
def test_any_input_gets_a_page_or_a_redirect_and_never_breaks_the_rules(
    client_for: Any, cast: Cast, instruments: None, fields: dict[str, str], existing: bool
) -> None:
    instrument = _instrument()
    prefix, extra = ("q-had_opportunity", {"question": "had_opportunity"}) if existing else ("new", {})
    data = {"action": "save" if existing else "add", **extra, **_form_data(prefix, **fields)}
    response = client_for(cast.nadia).post(_page(instrument), data, **EN)
    assert response.status_code in (302, 400), response.status_code
    assert "<script>alert(" not in response.content.decode(errors="replace")
    questions = services.current_questions(instrument)
    assert editing.list_errors("mentee", questions, []) == {}  # whatever was saved follows the rules
    assert "had_opportunity" in [q["key"] for q in questions]


def test_the_daily_job_writes_a_questionnaire_a_release_adds_and_keeps_edited_ones(
    cast: Cast, instruments: None
) -> None:
    services.save_question(_instrument(), _housing(), actor=cast.nadia)
    Instrument.objects.filter(code="mentor_mid").delete()  # as before a release that adds it
    services.open_due_waves(date(2026, 9, 1))
    assert _keys(_instrument("mentor_mid"))
    assert "housing" in _keys(_instrument())
