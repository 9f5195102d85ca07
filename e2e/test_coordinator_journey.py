from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from binome.people.models import Person


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", "demo-binome-2026")
    page.click("button[type=submit]")


def test_the_paris_coordinator_opens_a_mentee_file_switches_to_english_and_cannot_reach_lyon(
    demo: None, page: Any
) -> None:
    sign_in(page, "coord.paris@demo.binome.fr")

    # Lands on the Paris dashboard, in French by default, with real figures.
    page.wait_for_url(re.compile(r"/staff/territories/paris/$"))
    assert page.locator("h1").inner_text() == "Tableau de bord · Paris"
    mentees_figure = page.locator(".figures").first.locator("div", has_text="Mentorés").locator("dd").inner_text()
    assert int(mentees_figure) == Person.objects.filter(territory__slug="paris", mentee_profile__isnull=False).count()

    # Opens the mentee list from the dashboard, then one mentee's file.
    page.locator(".figures").first.locator("div", has_text="Mentorés").locator("a").click()
    page.wait_for_url(re.compile(r"/staff/people/\?kind=mentee"))
    first_row = page.locator("#people-results tbody tr").first.locator("a")
    name = first_row.inner_text()
    first_row.click()
    page.wait_for_url(re.compile(r"/staff/people/\d+/$"))
    assert page.locator("h1").inner_text() == name
    expect(page.get_by_text("Statut de protection")).to_be_visible()

    # Switches the interface to English; the same file now reads in English.
    page.select_option("#language-select", "en")
    page.locator(".language-switcher button").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Protection status")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"

    # A Lyon mentee's file does not exist for her.
    lyon_mentee = Person.objects.filter(territory__slug="lyon", mentee_profile__isnull=False).first()
    response = page.goto(f"/staff/people/{lyon_mentee.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Page not found")).to_be_visible()
    assert lyon_mentee.last_name not in page.content()
