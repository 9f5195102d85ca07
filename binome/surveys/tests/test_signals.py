"""What other parts of Binôme read from the surveys: outcomes, poor check-ins, surveys due."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.http import QueryDict

from binome.impact.models import MentorSkillsScore, NetworkReport, Outcome
from binome.impact.survey_outcomes import mentor_skills_score
from binome.surveys import selectors, services
from binome.surveys.models import Invitation
from conftest import Cast

from .conftest import invite

pytestmark = pytest.mark.django_db


def answer(invitation: Invitation, **values: str | list[str]) -> dict[str, str]:
    data = QueryDict(mutable=True)
    data.setlist("shown", list(values))
    for key, value in values.items():
        data.setlist(f"q_{key}", value if isinstance(value, list) else [value])
    errors = services.save_answers(invitation, data)
    assert errors == {}
    return services.submit_response(invitation)


@time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False)
def test_a_submitted_end_survey_feeds_the_outcomes_table(cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentee_end")
    assert (
        answer(
            invitation,
            employment_status="working",
            had_opportunity="yes",
            opportunity_types=["cdd", "training"],
            opportunity_date="2026-08-20",
            network_contacts="5",
            confidence="4",
            workplace_codes="4",
        )
        == {}
    )
    outcomes = Outcome.objects.filter(person=cast.chloe.person, source="survey")
    assert sorted(outcomes.values_list("kind", flat=True)) == ["cdd", "training"]
    assert {o.date for o in outcomes} == {date(2026, 8, 20)}
    assert all(o.duo_id == cast.paris_duo.pk for o in outcomes)
    report = NetworkReport.objects.get(person=cast.chloe.person)
    assert report.contacts == 5
    facts = selectors.outcome_answers(invitation.response)
    assert facts is not None
    assert facts["relevant_network"] is True
    assert facts["had_opportunity"] is True
    assert facts["answered_on"] == date(2026, 9, 10)


@time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False)
def test_no_opportunity_is_reported_as_none_yet_and_a_future_date_is_not_used(cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentee_end")
    answer(
        invitation,
        employment_status="job_seeking",
        had_opportunity="no",
        job_interviews="2",
        network_contacts="1",
        confidence="2",
        workplace_codes="3",
    )
    assert sorted(Outcome.objects.filter(person=cast.chloe.person).values_list("kind", flat=True)) == [
        "interview",
        "none",
    ]
    facts = selectors.outcome_answers(invitation.response)
    assert facts is not None
    assert facts["relevant_network"] is False


@time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False)
def test_a_survey_answer_that_disagrees_with_staff_waits_for_a_decision(cast: Cast, instruments: None) -> None:
    from binome.impact import services as impact

    impact.record_outcome(actor=cast.amara, person=cast.chloe.person, kind="cdi", date=date(2026, 7, 1), source="staff")
    invitation = invite(cast, "mentee_end")
    answer(
        invitation,
        employment_status="working",
        had_opportunity="yes",
        opportunity_types=["cdi"],
        opportunity_date="2026-08-01",
        network_contacts="3",
        confidence="4",
        workplace_codes="4",
    )
    survey = Outcome.objects.get(person=cast.chloe.person, source="survey")
    assert survey.status == Outcome.Status.CONFLICT


@time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False)
def test_mentor_end_survey_gives_a_skills_score(cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentor_end")
    assert invitation.person_id == cast.ben.person_id
    answer(
        invitation,
        listening="5",
        feedback="4",
        adaptability="4",
        intercultural_ease="5",
        explain_codes="2",
        refugees_employable="5",
        would_recruit="4",
    )
    score = MentorSkillsScore.objects.get(person=cast.ben.person)
    assert score.moment == "end"
    assert score.score == 75.0  # mean 4 on 1–5


def test_skills_score_maps_one_to_five_onto_zero_to_a_hundred() -> None:
    assert mentor_skills_score({"listening": 1, "feedback": 1}) == 0
    assert mentor_skills_score({"listening": 5}) == 100
    assert mentor_skills_score({}) is None


def test_poor_checkins_come_from_either_member_and_only_when_sent(cast: Cast, instruments: None) -> None:
    with time_machine.travel(datetime(2026, 6, 3, 10, tzinfo=UTC), tick=False):
        mentee = invite(cast, "mentee_mid")
        answer(mentee, duo_checkin="2", employment_status="job_seeking", had_opportunity="no", confidence="3")
        mentor = invite(cast, "mentor_mid")
        answer(mentor, duo_checkin="4")
        lyon = invite(cast, "mentee_mid", lyon=True)
        data = QueryDict(mutable=True)
        data.setlist("shown", ["duo_checkin"])
        data.setlist("q_duo_checkin", ["1"])
        services.save_answers(lyon, data)  # saved, not sent: not a signal yet
    with time_machine.travel(datetime(2026, 6, 5, 10, tzinfo=UTC), tick=False):
        lyon_mentor = invite(cast, "mentor_mid", lyon=True)
        answer(lyon_mentor, duo_checkin="1")
    assert selectors.poor_checkins(date(2026, 6, 1)) == [
        (cast.paris_duo.pk, date(2026, 6, 3), 2),
        (cast.lyon_duo.pk, date(2026, 6, 5), 1),
    ]
    assert selectors.poor_checkins(date(2026, 6, 4)) == [(cast.lyon_duo.pk, date(2026, 6, 5), 1)]


def test_surveys_due_for_a_person_are_open_unanswered_and_unexpired(cast: Cast, instruments: None) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        services.open_due_waves(date(2026, 3, 2))
        due = selectors.surveys_due_for_person(cast.chloe.person, date(2026, 3, 2))
        assert [i.wave.instrument.code for i in due] == ["mentee_baseline"]
        assert [i.wave.instrument.code for i in selectors.surveys_due_for_person(cast.ben.person)] == [
            "mentor_baseline"
        ]
        Invitation.objects.filter(pk=due[0].pk).update(submitted_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        assert selectors.surveys_due_for_person(cast.chloe.person, date(2026, 3, 2)) == []
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=UTC), tick=False):  # the baseline closed
        assert selectors.surveys_due_for_person(cast.ben.person, date(2026, 4, 1)) == []


@time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False)
def test_an_undated_opportunity_in_the_end_answer_is_dated_on_the_cohort_end(cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentee_end")  # the cohort ended on 1 September; answered on the 10th
    answer(
        invitation,
        employment_status="working",
        had_opportunity="yes",
        opportunity_types=["internship"],
        network_contacts="2",
        confidence="4",
        workplace_codes="4",
    )
    outcome = Outcome.objects.get(person=cast.chloe.person, source="survey")
    assert outcome.date == date(2026, 9, 1)  # within the cohort, not the answer day after it


def test_an_undated_opportunity_at_the_follow_up_is_dated_on_the_wave(cast: Cast, instruments: None) -> None:
    with time_machine.travel(datetime(2027, 3, 9, 10, tzinfo=UTC), tick=False):
        invitation = invite(cast, "mentee_follow6")  # opens on 1 March 2027, 6 months after the end
        answer(
            invitation,
            employment_status="working",
            had_opportunity="yes",
            opportunity_types=["cdi", "training"],
            network_contacts="4",
        )
    assert {o.date for o in Outcome.objects.filter(person=cast.chloe.person)} == {date(2027, 3, 1)}


def test_a_dated_opportunity_keeps_its_date_and_a_future_one_falls_back(cast: Cast, instruments: None) -> None:
    with time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False):
        answer(
            invite(cast, "mentee_end"),
            employment_status="working",
            had_opportunity="yes",
            opportunity_types=["cdd"],
            opportunity_date="2026-12-01",  # after the answer: not a fact yet
            network_contacts="2",
            confidence="4",
            workplace_codes="4",
        )
    assert Outcome.objects.get(person=cast.chloe.person).date == date(2026, 9, 1)
    with time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=UTC), tick=False):
        answer(
            invite(cast, "mentee_end", lyon=True),
            employment_status="working",
            had_opportunity="yes",
            opportunity_types=["cdd"],
            opportunity_date="2026-09-05",
            network_contacts="2",
            confidence="4",
            workplace_codes="4",
        )
    assert Outcome.objects.get(person=cast.leila.person).date == date(2026, 9, 5)
