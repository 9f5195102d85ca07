"""On a phone, without JavaScript: a mentee answers the end survey through her personal link, in
Arabic; a wrong number is explained, a follow-up question appears after saving; the coordinator
sees her answer on the wave page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.impact.models import Outcome
from binome.pairing.models import Duo
from binome.surveys import services
from binome.surveys.models import Invitation, Wave

from .test_coordinator_journey import sign_in

PHONE = {"width": 390, "height": 844}


def test_a_mentee_answers_the_end_survey_on_a_phone_and_the_coordinator_sees_it(
    demo: None, browser: Any, live_server: Any
) -> None:
    person = Role.objects.get(user__email="mentee@demo.binome.fr").person
    assert person is not None
    duo = Duo.objects.filter(mentee__person=person).order_by("-started_on").first()
    assert duo is not None
    wave = Wave.objects.get(cohort=duo.cohort, instrument__code="mentee_end")
    services.invite_wave(wave, timezone.localdate(), notify=False)
    invitation = Invitation.objects.get(wave=wave, person=person)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=datetime(2099, 1, 1, tzinfo=UTC))
    token = services.issue_link(invitation)

    phone = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    ).new_page()
    phone.goto(f"/s/{token}/")
    expect(phone.get_by_text("Aujourd'hui, quelle est votre situation ?")).to_be_visible()

    # She switches to Arabic: the page turns right-to-left.
    phone.select_option("#language-select", "ar")
    phone.locator(".language-switcher button").click()
    phone.wait_for_url(re.compile(rf"/s/{token}/$"))
    assert phone.locator("html").get_attribute("dir") == "rtl"
    expect(phone.get_by_text("ما هو وضعك اليوم؟")).to_be_visible()

    # First answers, saved: the follow-up questions appear.
    assert phone.locator("input[name=q_opportunity_types]").count() == 0
    phone.locator("input[name=q_employment_status][value=working]").check()
    phone.locator("input[name=q_had_opportunity][value=yes]").check()
    phone.locator("button[value=save]").click()
    phone.wait_for_url(re.compile(rf"/s/{token}/$"))
    assert phone.locator("input[name=q_opportunity_types]").count() == 7
    assert phone.locator("input[name=q_employment_status][value=working]").is_checked()

    # A wrong number is explained; nothing else is lost.
    phone.locator("input[name=q_opportunity_types][value=cdd]").check()
    phone.fill("input[name=q_network_contacts]", "-2")
    phone.locator("input[name=q_confidence][value='4']").check()
    phone.locator("input[name=q_workplace_codes][value='4']").check()
    phone.locator("button[value=submit]").click()
    expect(phone.locator("#question-network_contacts small.error")).to_be_visible()
    assert phone.locator("input[name=q_opportunity_types][value=cdd]").is_checked()

    phone.fill("input[name=q_network_contacts]", "4")
    phone.locator("button[value=submit]").click()
    phone.wait_for_url(re.compile(rf"/s/{token}/thanks/$"))
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    assert Outcome.objects.filter(person=person, source="survey", kind="cdd").exists()

    # The same link now says she already answered.
    phone.goto(f"/s/{token}/")
    assert phone.locator("form.survey-form").count() == 0

    coordinator = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in(coordinator, "coord.paris@demo.binome.fr")
    coordinator.wait_for_url(re.compile(r"/staff/"))
    coordinator.goto(f"/staff/surveys/waves/{wave.pk}/")
    row = coordinator.locator("tr", has_text=f"{person.first_name} {person.last_name}")
    # Answered: a link to her answers, and no "send the link again" button any more.
    assert row.locator(f"a[href='/staff/surveys/invitations/{invitation.pk}/enter/']").count() == 1
    assert row.locator("form").count() == 0
