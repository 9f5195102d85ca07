"""The Django admin opens only after the second factor. A mentor who signed in (no second factor
asked of mentors) and knows a national admin's password gets no admin page and no admin sign-in
form; the national admin signs in, is asked for her authenticator's code, and only then reaches
the administration from her menu."""

from __future__ import annotations

import re
import time
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from playwright.sync_api import expect

from binome.accounts.models import Role, User

from .test_coordinator_journey import sign_in
from .test_survey_journey import PHONE

ADMIN_EMAIL = "nadia.admin@reseau-binome.test"
ADMIN_PASSWORD = "Deux-Facteurs-Toujours-2026"


def _code(secret: str, *, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def _no_admin_page(page: Any) -> None:
    assert page.locator("#site-name, #user-tools, input[name=username]").count() == 0
    assert "/admin/" not in page.url or page.locator("body").inner_text().strip() != ""


def test_a_mentor_with_stolen_admin_credentials_gets_no_admin_page_and_the_admin_needs_her_code(
    demo: None, browser: Any, live_server: Any
) -> None:
    # A real national admin (not a demo account: those skip the second factor in demo mode).
    admin_user = User.objects.create_user(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, is_staff=True)
    Role.objects.create(user=admin_user, kind=Role.Kind.NATIONAL_ADMIN)
    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)

    # The attacker: a mentor, signed in on a phone, who knows the admin's email and password.
    attacker_context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR")
    attacker = attacker_context.new_page()
    attacker.set_default_timeout(15_000)
    sign_in(attacker, "mentor@demo.binome.fr")
    attacker.wait_for_url(re.compile(r"/mentor/$"))
    for address in ("/admin/login/?next=/admin/accounts/user/", "/admin/", "/admin/accounts/user/"):
        attacker.goto(address)  # typed by hand: this is the attack
        _no_admin_page(attacker)
    # The Django admin's own sign-in form is never served, so the stolen password has nowhere to go
    # but allauth's sign-in, which asks for the code.
    attacker.get_by_role("navigation").get_by_role("button", name="Se déconnecter").click()
    attacker.wait_for_url(re.compile(r"/accounts/login/"))
    attacker.goto("/admin/")
    attacker.wait_for_url(re.compile(r"/accounts/login/"))
    attacker.fill("#id_login", ADMIN_EMAIL)
    attacker.fill("#id_password", ADMIN_PASSWORD)
    attacker.click("button[type=submit]")
    attacker.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    for _ in range(3):
        attacker.fill("#id_code", "000000")
        attacker.click("button[type=submit]")
        expect(attacker.locator(".errorlist, [role=alert]").first).to_be_visible()
    attacker.goto("/admin/")
    _no_admin_page(attacker)
    attacker_context.close()

    # The national admin, on her computer: password, then the code, then the administration.
    admin_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    admin.goto("/accounts/login/")
    admin.fill("#id_login", ADMIN_EMAIL)
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert admin.locator("h1").first.inner_text().strip() != ""
    admin.fill("#id_code", _code(secret))
    admin.click("button[type=submit]")
    admin.wait_for_url(re.compile(r"/staff/"))
    admin.get_by_role("link", name="Administration").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    expect(admin.locator("#user-tools")).to_be_visible()
    admin_context.close()
