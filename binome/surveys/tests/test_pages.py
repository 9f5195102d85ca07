"""The respondent's personal link and the staff pages, through the test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.surveys import services
from binome.surveys.models import Answer, Invitation, Response
from conftest import Cast

from .conftest import invite

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def link(invitation: Invitation) -> str:
    return reverse("surveys:respond", kwargs={"token": services.issue_link(invitation)})


def open_until_2099(invitation: Invitation) -> Invitation:
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2099, 1, 1, tzinfo=UTC))
    invitation.refresh_from_db()
    return invitation


@pytest.fixture
def chloe_end(cast: Cast, instruments: None) -> Invitation:
    return open_until_2099(invite(cast, "mentee_end"))


def post(client: Any, url: str, action: str = "save", **answers: Any) -> Any:
    data: dict[str, Any] = {"action": action, "shown": list(answers)}
    data.update({f"q_{key}": value for key, value in answers.items()})
    return client.post(url, data, **EN)


def test_the_form_shows_the_questions_in_the_mentee_language(client: Any, chloe_end: Invitation) -> None:
    url = link(chloe_end)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert "ما هو وضعك اليوم؟" in html  # the employment question, in Arabic
    assert page["Referrer-Policy"] == "same-origin"
    english = client.get(url, **EN).content.decode()
    assert "What is your situation today?" in english
    assert "Which ones?" not in english  # conditional: shown only after "yes" is saved
    assert "<script>" not in english


def test_answers_are_saved_on_each_post_and_conditional_questions_appear_after_saving(
    client: Any, chloe_end: Invitation
) -> None:
    url = link(chloe_end)
    response = post(client, url, employment_status="working", had_opportunity="yes")
    assert response.status_code == 302
    assert services.answers_of(chloe_end) == {"employment_status": "working", "had_opportunity": "yes"}
    page = client.get(url, **EN).content.decode()
    assert "Which ones?" in page
    assert "What kind of contract do you have?" in page
    # Answering "no" hides them again.
    post(client, url, had_opportunity="no")
    assert "Which ones?" not in client.get(url, **EN).content.decode()


def test_an_invalid_answer_is_explained_and_the_valid_ones_are_kept(client: Any, chloe_end: Invitation) -> None:
    url = link(chloe_end)
    page = post(client, url, employment_status="job_seeking", network_contacts="-4", confidence="9")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter a number between 0 and 500." in html
    assert "Enter a number between 1 and 5." in html
    assert 'value="-4"' in html  # what was typed stays in the box
    assert services.answers_of(chloe_end) == {"employment_status": "job_seeking"}


def test_sending_needs_every_required_shown_question(client: Any, chloe_end: Invitation) -> None:
    url = link(chloe_end)
    page = post(client, url, "submit", employment_status="job_seeking")
    assert page.status_code == 200
    assert "This question needs an answer." in page.content.decode()
    chloe_end.refresh_from_db()
    assert chloe_end.submitted_at is None


def test_a_mentee_answers_the_end_survey_and_sends_it(client: Any, chloe_end: Invitation) -> None:
    url = link(chloe_end)
    post(client, url, employment_status="working", had_opportunity="yes")
    sent = post(
        client,
        url,
        "submit",
        employment_status="working",
        contract_type="cdd",
        had_opportunity="yes",
        opportunity_types=["cdd", "training"],
        opportunity_date="15/08/2026",
        network_contacts="4",
        confidence="4",
        workplace_codes="5",
    )
    assert sent.status_code == 302
    assert sent["Location"].endswith("/thanks/")
    assert client.get(sent["Location"], **EN).status_code == 200
    chloe_end.refresh_from_db()
    assert chloe_end.submitted_at is not None
    given = services.answers_of(chloe_end)
    assert given["opportunity_types"] == ["cdd", "training"]
    assert given["opportunity_date"] == "2026-08-15"
    assert chloe_end.response.source == Response.Source.SELF
    # The link now says "already answered" and accepts nothing more.
    again = client.get(url, **EN)
    assert again.status_code == 200
    assert "You have already answered" in again.content.decode()
    post(client, url, "submit", confidence="1")
    assert services.answers_of(chloe_end)["confidence"] == 4


def test_answers_to_questions_hidden_at_sending_are_dropped(client: Any, chloe_end: Invitation) -> None:
    url = link(chloe_end)
    post(client, url, had_opportunity="yes")
    post(client, url, opportunity_types=["cdi"])
    post(
        client,
        url,
        "submit",
        employment_status="job_seeking",
        had_opportunity="no",
        network_contacts="0",
        confidence="2",
        workplace_codes="2",
    )
    chloe_end.refresh_from_db()
    assert chloe_end.submitted_at is not None
    assert "opportunity_types" not in services.answers_of(chloe_end)


def test_an_expired_link_shows_a_clear_page_and_no_data(client: Any, cast: Cast, instruments: None) -> None:
    invitation = invite(cast, "mentee_end")
    services.record_answers_directly(invitation, {"employment_status": "working"}, submitted_at=None)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2020, 1, 1, tzinfo=UTC))
    page = client.get(link(invitation), **EN)
    assert page.status_code == 410
    html = page.content.decode()
    assert "This link has expired" in html
    assert "What is your situation today?" not in html
    assert "I am working" not in html


def test_an_unknown_token_is_not_found(client: Any, chloe_end: Invitation) -> None:
    assert client.get(reverse("surveys:respond", kwargs={"token": "x" * 43}), **EN).status_code == 404
    assert client.get(reverse("surveys:respond", kwargs={"token": "y" * 500}), **EN).status_code == 404
    assert client.post(reverse("surveys:respond", kwargs={"token": "z"}), {"action": "submit"}).status_code == 404


def test_one_respondent_cannot_reach_another_respondents_answers(client: Any, cast: Cast, instruments: None) -> None:
    chloe = open_until_2099(invite(cast, "mentee_end"))
    leila = open_until_2099(invite(cast, "mentee_end", lyon=True))
    services.record_answers_directly(leila, {"opportunity_sector": "Secret Leila sector"}, submitted_at=None)
    chloe_url = link(chloe)
    assert "Secret Leila sector" not in client.get(chloe_url, **EN).content.decode()
    # Posting a question key of the other invitation's answers changes only Chloé's own response.
    post(client, chloe_url, had_opportunity="yes")
    assert services.answers_of(leila) == {"opportunity_sector": "Secret Leila sector"}
    assert Answer.objects.filter(response__invitation=chloe).count() == 1


def test_a_signed_in_mentee_opens_her_own_survey_and_not_someone_elses(
    client_for: Any, cast: Cast, instruments: None
) -> None:
    chloe = open_until_2099(invite(cast, "mentee_end"))
    leila = open_until_2099(invite(cast, "mentee_end", lyon=True))
    client = client_for(cast.chloe_user)
    opened = client.get(reverse("surveys:start", kwargs={"pk": chloe.pk}))
    assert opened.status_code == 302
    assert client.get(opened["Location"], **EN).status_code == 200
    assert client.get(reverse("surveys:start", kwargs={"pk": leila.pk})).status_code == 404


def test_staff_enter_answers_from_a_phone_interview_and_are_recorded_as_who_acted(
    client_for: Any, cast: Cast, chloe_end: Invitation
) -> None:
    client = client_for(cast.amara)
    url = reverse("surveys:enter", kwargs={"pk": chloe_end.pk})
    assert client.get(url, **EN).status_code == 200
    sent = post(
        client,
        url,
        "submit",
        employment_status="training",
        had_opportunity="no",
        network_contacts="2",
        confidence="3",
        workplace_codes="3",
    )
    assert sent.status_code == 302
    chloe_end.refresh_from_db()
    response = chloe_end.response
    assert chloe_end.submitted_at is not None
    assert response.source == Response.Source.STAFF_INTERVIEW
    assert response.submitted_by == cast.amara
    assert set(response.answers.values_list("entered_by", flat=True)) == {cast.amara.pk}
    assert set(response.answers.values_list("source", flat=True)) == {"staff_interview"}
    assert AuditEvent.objects.filter(actor=cast.amara, verb="entered survey answers").exists()
    assert AuditEvent.objects.filter(actor=cast.amara, verb="submitted survey", target_id=str(response.pk)).exists()
    # Afterwards the page shows the answers (and records that they were seen).
    page = client.get(url, **EN)
    assert "I am in training" in page.content.decode()


def test_a_lyon_coordinator_gets_404_on_a_paris_wave(client_for: Any, cast: Cast, chloe_end: Invitation) -> None:
    client = client_for(cast.lucie)
    assert client.get(reverse("surveys:wave", kwargs={"pk": chloe_end.wave_id})).status_code == 404
    assert client.get(reverse("surveys:enter", kwargs={"pk": chloe_end.pk})).status_code == 404
    assert client.post(reverse("surveys:resend", kwargs={"pk": chloe_end.pk})).status_code == 404
    assert client.get(reverse("surveys:cohort_surveys", kwargs={"pk": cast.paris_duo.cohort_id})).status_code == 404


def test_the_wave_page_lists_who_answered_and_resends_a_link(
    client_for: Any, cast: Cast, chloe_end: Invitation, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    cohort_page = client.get(reverse("surveys:cohort_surveys", kwargs={"pk": cast.paris_duo.cohort_id}), **EN)
    assert cohort_page.status_code == 200
    assert "End-of-programme questionnaire" in cohort_page.content.decode()
    page = client.get(reverse("surveys:wave", kwargs={"pk": chloe_end.wave_id}), **EN)
    assert "Chloé Haddad" in page.content.decode()
    assert "not answered yet" in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        resent = client.post(reverse("surveys:resend", kwargs={"pk": chloe_end.pk}))
    assert resent.status_code == 302
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(actor=cast.amara, verb="resent survey link").exists()


def test_the_due_surveys_partial_links_each_to_its_own_start(cast: Cast, chloe_end: Invitation) -> None:
    from django.template.loader import render_to_string

    from binome.surveys.selectors import surveys_due_for_person

    html = render_to_string(
        "portals/surveys/_due.html", {"surveys_due": surveys_due_for_person(cast.chloe.person, chloe_end.wave.opens_on)}
    )
    assert reverse("surveys:start", kwargs={"pk": chloe_end.pk}) in html
    assert "End-of-programme questionnaire" in html


def test_the_wave_page_runs_the_same_queries_for_one_or_many_people(
    client_for: Any, cast: Cast, chloe_end: Invitation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from binome.people.models import Person

    client = client_for(cast.amara)
    url = reverse("surveys:wave", kwargs={"pk": chloe_end.wave_id})
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, **EN).status_code == 200
    for n in range(6):
        person = Person.objects.create(first_name=f"P{n}", last_name="Test", territory=cast.paris)
        invitation = Invitation.objects.create(
            wave=chloe_end.wave, person=person, role="mentee", expires_at=datetime(2099, 1, 1, tzinfo=UTC)
        )
        if n % 2:
            services.record_answers_directly(
                invitation, {"employment_status": "working"}, submitted_at=datetime(2026, 9, 5, tzinfo=UTC)
            )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, **EN)
    assert "3 answered out of 7" in page.content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)


def test_old_survey_link_stops_working_once_staff_send_a_new_one(
    client: Any,
    client_for: Any,
    cast: Cast,
    chloe_end: Invitation,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = link(chloe_end)
    other = link(chloe_end)  # a reminder's link, say: every earlier link goes
    assert client.get(old, **EN).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(cast.amara).post(reverse("surveys:resend", kwargs={"pk": chloe_end.pk})).status_code == 302
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())
    new = re.search(r"/s/[^/\s]+/", mail.outbox[-1].body)
    assert new is not None

    for url in (old, other):
        page = client.get(url, **EN)
        assert page.status_code == 410
        assert "This link was replaced" in page.content.decode()
        posted = client.post(url, {"shown": ["employment_status"], "action": "save"}, **EN)
        assert posted.status_code == 410
    assert not Answer.objects.exists()  # nothing saved through a replaced link
    french = client.get(old, HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 410
    assert "no-store" in french["Cache-Control"]
    assert client.get(new.group(0), **EN).status_code == 200
