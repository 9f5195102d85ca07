"""An employee enrols through Acme's link on a phone; the Paris coordinator takes training
attendance on a phone, one tap per person, without leaving the page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from binome.accounts.models import User
from binome.people.models import MentorProfile
from binome.sourcing.models import MentorInvitation, TrainingSession
from binome.sourcing.training import session_date
from conftest import queued_emails

PHONE = {"width": 390, "height": 844}


def test_an_employee_enrols_by_phone_and_the_coordinator_takes_attendance_in_one_tap(
    demo: None, browser: Any, live_server: Any
) -> None:
    link = MentorInvitation.objects.filter(company__slug="acme", revoked_at=None).order_by("-valid_until").first()
    assert link is not None

    # The employee, on a phone, with no account yet.
    employee_context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR")
    employee = employee_context.new_page()
    employee.set_default_timeout(15_000)
    employee.goto(f"/join/{link.token}/")
    employee.fill("#id_account-email", "nora.lefevre@acme.example.fr")
    employee.fill("#id_account-password1", "Mentorat-Solide-2027!")
    employee.fill("#id_account-password2", "Mentorat-Solide-2027!")
    employee.fill("#id_first_name", "Nora")
    employee.fill("#id_last_name", "Lefèvre")
    employee.select_option("#id_gender", "female")
    employee.fill("#id_job_title", "Consultante")
    # The pickers suggest from the link's own endpoints (no account yet); one request at a time,
    # as the live server shares one in-memory database connection between its threads.
    with employee.expect_response(re.compile(r"/join/[^/]+/occupations/")) as suggestions:
        employee.fill("#id_occupation", "M1402")
    assert "M1402" in suggestions.value.text()
    with employee.expect_response(re.compile(r"/join/[^/]+/places/")):
        employee.fill("#id_workplace", "Paris")
    employee.check("input[name=availability][value=tue_eve]")
    employee.locator("main form button[type=submit]").click()
    # The page says "check your email" (issue #15, F15); the emailed link, with the password, opens the account.
    employee.locator("main h1").wait_for()
    sent = [message.body for message in queued_emails("nora.lefevre@acme.example.fr")]
    confirm = re.search(r"https?://[^/\s]+(/join/confirm/\S+)", sent[-1])
    assert confirm is not None
    employee.goto(confirm.group(1))
    employee.fill("#id_password", "Mentorat-Solide-2027!")
    employee.locator("main form button[type=submit]").click()
    employee.wait_for_url(re.compile(r"/mentor/$"))
    expect(employee.locator("#training")).to_be_visible()
    nora = MentorProfile.objects.get(person__roles__user__email="nora.lefevre@acme.example.fr")
    assert nora.training_status == MentorProfile.Training.NOT_STARTED
    assert link.enrolled.filter(pk=nora.pk).exists()
    assert User.objects.get(email="nora.lefevre@acme.example.fr").check_password("Mentorat-Solide-2027!")

    # The coordinator, on a phone, at the last Paris session held.
    held = (
        TrainingSession.objects.filter(territory__slug="paris", attendances__present=True)
        .order_by("-starts_at")
        .first()
    )
    assert held is not None
    attendance = held.attendances.filter(present=True).select_related("mentor").order_by("pk").first()
    assert attendance is not None
    mentor = attendance.mentor
    employee_context.close()  # before the live server stops: no request left in flight

    coordinator_context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR")
    coordinator = coordinator_context.new_page()
    coordinator.set_default_timeout(15_000)
    coordinator.goto("/accounts/login/")
    coordinator.fill("#id_login", "coord.paris@demo.binome.fr")
    coordinator.fill("#id_password", "demo-binome-2026")
    coordinator.click("button[type=submit]")
    coordinator.wait_for_url(re.compile(r"/staff/"))
    coordinator.goto(f"/staff/training/{held.pk}/")
    coordinator.evaluate("window.sameTab = true")  # gone if the tap reloads the page
    row = coordinator.locator(f"#attendance-{attendance.pk}")

    row.locator("button[name=present][value='0']").click()
    # A locator wait, not wait_for_function: the site's CSP refuses the eval that one needs.
    expect(coordinator.locator(f"#attendance-{attendance.pk} button[value='0']")).to_have_attribute(
        "aria-pressed", "true"
    )
    mentor.refresh_from_db()
    assert mentor.training_status != MentorProfile.Training.COMPLETED
    assert not mentor.is_matchable or mentor.training_status == MentorProfile.Training.WAIVED

    row.locator("button[name=present][value='1']").click()
    expect(coordinator.locator(f"#attendance-{attendance.pk} button[value='1']")).to_have_attribute(
        "aria-pressed", "true"
    )
    mentor.refresh_from_db()
    assert mentor.training_status == MentorProfile.Training.COMPLETED
    assert mentor.trained_on == session_date(held)
    assert coordinator.evaluate("window.sameTab") is True
    coordinator_context.close()
