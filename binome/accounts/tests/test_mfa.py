"""Two-factor authentication: who must use it, the real sign-in flow, and demo mode."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

from binome.accounts.models import Role, User
from conftest import PASSWORD, Cast, totp_code

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def current_code(secret: str) -> str:
    return totp_code(secret)


def lands_on(client: Any, url: str) -> str:
    """Where a page ends up after its redirects (asserting that it ends on a page)."""
    response = client.get(url, follow=True, **EN)
    assert response.status_code == 200
    return response.request["PATH_INFO"]


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **EN)


def reauthenticate(client: Any) -> None:
    """allauth asks for the password again before any change to the second factor."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD}, **EN)
    assert response.status_code == 302, response.content[:500]


@pytest.mark.parametrize("who", ["amara", "nadia", "hugo", "farah", "fiona"])
def test_roles_that_open_other_peoples_files_must_set_up_a_second_factor(cast: Cast, client: Any, who: str) -> None:
    user = getattr(cast, who)
    sign_in(client, user.email)
    response = client.get(reverse("home"), **EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page (after allauth asks for the password again) and signing out stay open.
    assert client.get(reverse("account_reauthenticate"), **EN).status_code == 200
    reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp"), **EN).status_code == 200
    assert client.post(reverse("account_logout"), **EN).status_code == 302


@pytest.mark.parametrize("who", ["ben_user", "chloe_user"])
def test_mentors_and_mentees_are_not_asked_for_a_second_factor(cast: Cast, client: Any, who: str) -> None:
    sign_in(client, getattr(cast, who).email)
    assert "/2fa/" not in lands_on(client, reverse("home"))


def test_a_coordinator_activates_an_authenticator_app_then_reaches_her_pages(cast: Cast, client: Any) -> None:
    sign_in(client, cast.amara.email)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"), **EN)
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"}, **EN)
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=cast.amara).exists()

    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)}, **EN)
    assert Authenticator.objects.filter(user=cast.amara, type=Authenticator.Type.TOTP).exists()
    assert lands_on(client, reverse("territories:dashboard")) == reverse("territories:territory", args=["paris"])


def test_signing_in_with_an_authenticator_asks_for_its_code(cast: Cast, client: Any) -> None:
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(cast.amara, secret)
    response = sign_in(client, cast.amara.email)
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("territories:dashboard"), **EN).status_code == 302

    bad = client.post(reverse("mfa_authenticate"), {"code": "123456"}, **EN)
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}, **EN)
    assert client.session["_auth_user_id"] == str(cast.amara.pk)
    assert lands_on(client, reverse("territories:dashboard")) == reverse("territories:territory", args=["paris"])


def test_the_authenticator_secret_is_encrypted_at_rest(cast: Cast) -> None:
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(cast.amara, secret)
    stored = Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.TOTP).data["secret"]
    assert secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert TOTP(Authenticator.objects.get(user=cast.amara, type=Authenticator.Type.TOTP)).validate_code(
        current_code(secret)
    )


def test_removing_the_last_authenticator_sends_staff_back_to_the_set_up(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    assert lands_on(client, reverse("territories:dashboard")) == reverse("territories:territory", args=["paris"])
    Authenticator.objects.filter(user=cast.amara).delete()
    # A new session (the signal path is allauth's; here the rows went away behind its back).
    client.logout()
    client.force_login(cast.amara)
    assert lands_on(client, reverse("territories:dashboard")) == reverse("account_reauthenticate")


@pytest.fixture
def demo_coordinator(cast: Cast) -> User:
    user = User.objects.create_user(email="coord.paris@demo.binome.fr", password=PASSWORD)
    Role.objects.create(user=user, kind=Role.Kind.COORDINATOR, territory=cast.paris)
    return user


@override_settings(DEMO_MODE=True)
def test_demo_accounts_skip_the_second_factor_in_demo_mode(demo_coordinator: User, client: Any) -> None:
    sign_in(client, demo_coordinator.email)
    assert client.get(reverse("territories:territory", args=["paris"]), **EN).status_code == 200


@override_settings(DEMO_MODE=False)
def test_demo_accounts_need_a_second_factor_when_demo_mode_is_off(demo_coordinator: User, client: Any) -> None:
    sign_in(client, demo_coordinator.email)
    response = client.get(reverse("territories:territory", args=["paris"]), **EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@override_settings(DEMO_MODE=True)
def test_demo_mode_only_spares_demo_accounts(cast: Cast, client: Any) -> None:
    sign_in(client, cast.amara.email)
    assert client.get(reverse("territories:territory", args=["paris"]), **EN)["Location"] == reverse(
        "mfa_activate_totp"
    )


def test_the_deploy_check_fails_while_demo_mode_is_on() -> None:
    with override_settings(DEMO_MODE=True):
        errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "binome.E001" in errors
    with override_settings(DEMO_MODE=False):
        errors = [e.id for e in run_checks(include_deployment_checks=True)]
    assert "binome.E001" not in errors
    # Only under --deploy: development runs with demo mode on.
    with override_settings(DEMO_MODE=True):
        assert "binome.E001" not in [e.id for e in run_checks()]


def test_passwords_are_hashed_with_argon2(production_password_hashers: None, db: Any) -> None:
    user = User.objects.create_user(email="hashed@binome.test", password=PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_the_admin_sign_in_form_cannot_skip_the_second_factor(cast: Cast, client: Any) -> None:
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    TOTP.activate(cast.nadia, generate_totp_secret())
    response = client.post(
        reverse("admin:login"), {"username": cast.nadia.email, "password": PASSWORD, "next": "/admin/"}, **EN
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
