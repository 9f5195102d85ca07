"""Hours, through the pages only: on a phone the mentor records two meetings and the mentee confirms
one; the coordinator records the mentee's phone confirmation of the other, with a reason; the
company's statement for a past period, drafted and approved by the coordinator, shows the same
hours as the mentor's own page for that period."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from binome.accounts.models import Role
from binome.meetings.models import Meeting
from binome.organisations.models import Organisation
from binome.pairing.models import Duo

from .test_coordinator_journey import sign_in

PHONE = {"width": 390, "height": 844}
# English texts of this feature that must never show on a French page.
ENGLISH = ["Period:", "Record a phone confirmation", "Confirmed by phone", "of which by phone", "Another period"]


def _context(browser: Any, live_server: Any, **extra: Any) -> Any:
    return browser.new_context(base_url=live_server.url, locale="fr-FR", **extra)


def _phone(browser: Any, live_server: Any) -> Any:
    return _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def _number(text: str) -> float:
    return float(text.replace("h", "").replace(",", ".").replace("\u202f", "").strip())


def _french(page: Any, shot: Path) -> None:
    page.screenshot(path=str(shot), full_page=True)
    text = page.locator("body").inner_text()
    assert not [english for english in ENGLISH if english in text], shot.name


def _record(page: Any, day: date, minutes: int) -> None:
    page.fill("input[name=held_on]", day.isoformat())
    page.locator("select[name=duration_minutes]").select_option(str(minutes))
    page.locator("input[name=topics][value=cv]").check()
    page.locator("#record-meeting").click()
    page.wait_for_load_state()
    another = page.locator("input[type=checkbox][name=another_meeting]")
    if another.count():  # the demo's duo already met that day: it is another meeting
        another.check()
        page.locator("#record-meeting").click()
    expect(page.locator(".flash-success")).to_be_visible()


def test_a_companys_statement_shows_the_hours_of_the_mentors_page(
    demo: None, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    mentor_person = Role.objects.get(user__email="mentor@demo.binome.fr").person
    duo = Duo.objects.get(mentor__person=mentor_person, status=Duo.Status.ACTIVE)
    mentee_name = duo.mentee.person.full_name
    today = date.today()
    start, end = duo.started_on, today - timedelta(days=1)  # a period already over
    first, second = end - timedelta(days=2), end - timedelta(days=1)

    # On a phone, the mentor records two meetings held in the past days.
    mentor = _phone(browser, live_server)
    sign_in(mentor, "mentor@demo.binome.fr")
    mentor.wait_for_url(re.compile(r"/mentor/$"))
    mentor.goto(f"/mentor/duos/{duo.pk}/")
    _record(mentor, first, 90)
    _record(mentor, second, 120)
    _french(mentor, tmp_path / "1-mentor-duo.png")
    confirmed_in_app, by_phone = Meeting.objects.filter(duo=duo).order_by("-pk")[:2][::-1]
    assert (confirmed_in_app.held_on, by_phone.held_on) == (first, second)

    # On a phone, the mentee confirms the first.
    mentee = _phone(browser, live_server)
    sign_in(mentee, "mentee@demo.binome.fr")
    mentee.wait_for_url(re.compile(r"/mentee/$"))
    mentee.goto(f"/mentee/duos/{duo.pk}/")
    mentee.locator(f"#meeting-{confirmed_in_app.pk} button.confirm-meeting").click()
    expect(mentee.locator(f"#meeting-{confirmed_in_app.pk} .ok")).to_be_visible()

    # The coordinator records the mentee's phone confirmation of the second, with a reason.
    coordinator = _context(browser, live_server).new_page()
    sign_in(coordinator, "coord.paris@demo.binome.fr")
    coordinator.wait_for_url(re.compile(r"/staff/"))
    coordinator.goto(f"/staff/duos/{duo.pk}/")
    coordinator.locator(f"#meeting-{by_phone.pk} a.phone-confirm").click()
    coordinator.locator("#record-phone-confirmation").click()  # no reason: the form says so
    expect(coordinator.locator("#error-summary")).to_be_visible()
    _french(coordinator, tmp_path / "2-phone-confirmation-error.png")
    coordinator.fill("textarea[name=reason]", "Pas d'accès à son compte cette semaine")
    coordinator.locator("#record-phone-confirmation").click()
    expect(coordinator.locator(".flash-success")).to_be_visible()
    expect(coordinator.locator(f"#meeting-{by_phone.pk} .phone-confirmation")).to_contain_text(mentee_name)

    # Both members see who confirmed on the phone, with whom and why.
    mentee.reload()
    shown = mentee.locator(f"#meeting-{by_phone.pk} .phone-confirmation")
    expect(shown).to_contain_text(f"Confirmé par téléphone auprès de {mentee_name} par ")
    expect(shown).to_contain_text("Pas d'accès à son compte cette semaine")
    _french(mentee, tmp_path / "3-mentee-duo.png")

    # The mentor's own page, for the period: the total of their hours.
    mentor.goto("/mentor/")
    mentor.locator("#hours summary").click()
    mentor.fill("#hours input[name=start]", start.isoformat())
    mentor.fill("#hours input[name=end]", end.isoformat())
    mentor.locator("#hours button[type=submit]").click()
    expect(mentor.locator("#hours .period")).to_contain_text(f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
    mentor_total = _number(mentor.locator("#hours .hours-total").inner_text())
    _french(mentor, tmp_path / "4-mentor-home.png")

    # The coordinator drafts the company's statement for that period and approves it.
    company = Organisation.objects.get(slug="acme")
    coordinator.goto("/staff/sponsorship/statements/")
    coordinator.locator("select[name=company]").select_option(str(company.pk))
    coordinator.fill("input[name=starts_on]", start.isoformat())
    coordinator.fill("input[name=ends_on]", end.isoformat())
    coordinator.locator("form:has(select[name=company]) button[type=submit]").click()
    coordinator.wait_for_url(re.compile(r"/staff/sponsorship/statements/\d+/$"))
    coordinator.get_by_role("button", name="Valider le relevé").click()
    expect(coordinator.locator(".flash-success")).to_be_visible()
    row = coordinator.locator("#statement-lines tbody tr", has_text=mentor_person.full_name)
    cells = row.locator("td")
    statement_total, phone_hours = _number(cells.nth(5).inner_text()), _number(cells.nth(3).inner_text())
    _french(coordinator, tmp_path / "5-statement.png")

    assert statement_total == mentor_total
    assert phone_hours >= 2.0  # the 2-hour meeting confirmed on the phone is marked
    assert mentor_total >= 3.5  # and both new meetings count
