from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from binome.sourcing.models import Referral

from .test_coordinator_journey import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized screen, as referrers often use in the field."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_referrer_refers_someone_on_a_phone_the_coordinator_screens_them_and_the_referrer_sees_it(
    demo: None, phone: Any, page: Any
) -> None:
    # The referrer, on a phone, opens the form from her home page.
    sign_in(phone, "partner@demo.binome.fr")
    phone.wait_for_url(re.compile(r"/partner/$"))
    phone.locator("a[href='/partner/referrals/new/']").click()
    phone.wait_for_url(re.compile(r"/partner/referrals/new/$"))
    # Nothing sticks out sideways on a 390 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.fill("#id_first_name", "Mariam")
    phone.fill("#id_last_name", "Kouyaté-Essai")
    phone.fill("#id_phone", "07 00 11 22 33")
    phone.fill("#id_date_of_birth", "1992-04-10")
    phone.select_option("#id_protection_status", "refugee")
    phone.check("#id_right_to_work")
    phone.select_option("#id_french_level", "B1")
    phone.fill("#id_home", "Paris")
    phone.fill("#id_target_1", "G1602")
    phone.select_option("#id_available_six_months", "yes")
    phone.fill("#id_reason", "Cuisinière, 8 ans d'expérience, cherche un premier poste en France.")
    phone.fill("#id_referrer_name", "Farah Benali")
    assert phone.input_value("#id_referrer_email") == "partner@demo.binome.fr"  # prefilled
    phone.check("#id_consent_given")
    phone.select_option("#id_consent_method", "oral_partner")
    phone.locator("form.referral-form button[type=submit]").click()

    phone.wait_for_url(re.compile(r"/partner/referrals/\d+/$"))
    assert phone.locator(".status").inner_text() == "Reçue"
    referral = Referral.objects.get(person__last_name="Kouyaté-Essai")
    assert referral.partner is not None
    assert referral.partner.slug == "paris-ngo"

    # The Paris coordinator finds it on the screening board and takes it to "eligible".
    sign_in(page, "coord.paris@demo.binome.fr")
    page.wait_for_url(re.compile(r"/staff/territories/paris/$"))
    page.goto("/staff/screening/?q=Kouyat")
    page.locator("#screening-results a", has_text="Mariam").click()
    page.wait_for_url(re.compile(rf"/staff/screening/{referral.pk}/$"))
    assert page.locator("#precheck .precheck-not_met").count() == 0
    for steps, status in enumerate(["contacted", "interview_scheduled", "interviewed", "eligible"], start=2):
        page.select_option("#id_to_status", status)
        page.locator("#move-form button[type=submit]:not([name=decision])").click()
        page.locator("#history tbody tr").nth(steps - 1).wait_for()  # the move is in the history
    assert page.locator("#current-status").inner_text() == "Éligible"
    assert page.locator("#history tbody tr").count() == 5  # received, then the four moves

    # Back on her phone, the referrer sees the new status and when it changed.
    phone.goto("/partner/")
    row = phone.locator("#my-referrals tbody tr", has_text="Kouyaté-Essai")
    assert row.locator(".status").inner_text() == "Éligible"
    assert "Éligible" in row.inner_text()
