"""A national admin adds a question to the end questionnaire, which already has answers: a new
version is made and the old answers keep theirs. A mentee invited afterwards sees the new question
in Arabic on her phone, without JavaScript; a coordinator can read the questionnaire but not change it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.pairing.models import Duo
from binome.surveys import services
from binome.surveys.models import Answer, Instrument, Invitation, Wave

from .test_coordinator_journey import sign_in
from .test_survey_journey import PHONE

QUESTION_AR = "هل لديك سكن مستقر؟"


def test_a_national_admin_adds_a_question_and_a_mentee_answers_it_in_arabic(
    demo: None, browser: Any, live_server: Any
) -> None:
    instrument = Instrument.objects.get(code="mentee_end")
    before = instrument.current_version()
    assert before is not None
    answered_before = Answer.objects.filter(question__version=before).count()
    assert answered_before > 0  # the demo's completed cohort answered it

    admin = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    admin.set_default_timeout(15_000)
    sign_in(admin, "admin@demo.binome.fr")
    admin.wait_for_url(re.compile(r"/staff/"))
    admin.goto("/staff/impact/")
    admin.get_by_role("link", name="Questionnaires").first.click()
    admin.get_by_role("link", name=instrument.title["fr"]).click()
    admin.wait_for_url(re.compile(rf"/staff/surveys/instruments/{instrument.pk}/$"))

    admin.locator("#add-question > summary").click()
    form = admin.locator("#add-question form")
    form.locator("[name=new-key]").fill("housing")
    form.locator("[name=new-kind]").select_option("single")
    form.locator("[name=new-label_fr]").fill("Avez-vous un logement stable ?")
    form.locator("[name=new-label_en]").fill("Do you have stable housing?")
    # Arabic forgotten first: the form says so and keeps what was typed.
    form.locator("[name=new-choices]").fill("yes | Oui | Yes | نعم\nno | Non | No | لا")
    form.locator("[name=new-note]").fill("Le logement revient dans chaque entretien")
    form.get_by_role("button", name="Ajouter").click()
    expect(admin.get_by_text("Écrivez-la en : arabe.")).to_be_visible()
    form = admin.locator("#add-question form")
    assert form.locator("[name=new-label_en]").input_value() == "Do you have stable housing?"

    form.locator("[name=new-label_ar]").fill(QUESTION_AR)
    form.get_by_role("button", name="Ajouter").click()
    expect(admin.get_by_text("Enregistré comme version 2")).to_be_visible()
    expect(admin.locator("#question-housing")).to_be_visible()
    version = instrument.current_version()
    assert version is not None
    assert version.number == before.number + 1
    assert version.note == "Le logement revient dans chaque entretien"
    assert Answer.objects.filter(question__version=before).count() == answered_before  # untouched

    # A mentee invited now gets the new question, in Arabic, on a phone without JavaScript.
    person = Role.objects.get(user__email="mentee@demo.binome.fr").person
    assert person is not None
    duo = Duo.objects.filter(mentee__person=person).order_by("-started_on").first()
    assert duo is not None
    wave = Wave.objects.get(cohort=duo.cohort, instrument=instrument)
    services.invite_wave(wave, timezone.localdate(), notify=False)
    invitation = Invitation.objects.get(wave=wave, person=person)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2099, 1, 1, tzinfo=UTC))
    token = services.issue_link(invitation)
    phone = browser.new_context(
        base_url=live_server.url, locale="ar", viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False
    ).new_page()
    phone.goto(f"/s/{token}/")
    phone.select_option("#language-select", "ar")
    phone.locator(".language-switcher button").click()
    phone.wait_for_url(re.compile(rf"/s/{token}/$"))
    expect(phone.get_by_text(QUESTION_AR)).to_be_visible()
    phone.locator("input[name=q_housing][value=no]").check()
    phone.locator("button[value=save]").click()
    phone.wait_for_url(re.compile(rf"/s/{token}/$"))
    assert services.answers_of(invitation)["housing"] == "no"

    # The Paris coordinator reads the questionnaire and its versions, without a way to change them.
    coordinator = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(coordinator, "coord.paris@demo.binome.fr")
    coordinator.wait_for_url(re.compile(r"/staff/"))
    coordinator.goto(f"/staff/surveys/instruments/{instrument.pk}/")
    expect(coordinator.locator("#question-housing")).to_be_visible()
    assert coordinator.locator("#add-question").count() == 0
    assert coordinator.locator("button[value=up]").count() == 0
    coordinator.get_by_role("link", name=f"v{before.number}", exact=True).click()
    assert coordinator.locator("#question-housing").count() == 0
