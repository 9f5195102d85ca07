"""Lockout after repeated failed sign-ins, and the staff idle timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def attempt(client: Any, email: str, password: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **EN)


def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password(cast: Cast, client: Any) -> None:
    email = cast.ben_user.email
    for _ in range(4):
        assert attempt(client, email, "wrong-password-123").status_code == 200
    locked = attempt(client, email, "wrong-password-123")
    assert locked.status_code == 429
    assert b"Sign-in is locked after 5 failed attempts" in locked.content
    assert b"15 minutes" in locked.content
    response = attempt(client, email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_cool_off(cast: Cast, client: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            attempt(client, cast.ben_user.email, "wrong-password-123")
        assert attempt(client, cast.ben_user.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert attempt(client, cast.ben_user.email, PASSWORD).status_code == 302
        assert client.session["_auth_user_id"] == str(cast.ben_user.pk)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_failure_limit_is_a_setting(cast: Cast, client: Any) -> None:
    for _ in range(2):
        assert attempt(client, cast.ben_user.email, "wrong-password-123").status_code == 200
    assert attempt(client, cast.ben_user.email, "wrong-password-123").status_code == 429


def test_failures_on_one_account_do_not_lock_another_from_another_address(cast: Cast, client: Any) -> None:
    for _ in range(5):
        attempt(client, cast.ben_user.email, "wrong-password-123")
    response = client.post(
        reverse("account_login"),
        {"login": cast.dev_user.email, "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        **EN,
    )
    assert response.status_code == 302


def test_staff_are_signed_out_after_30_idle_minutes(cast: Cast, client_for: Any) -> None:
    url = reverse("territories:territory", args=["paris"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(cast.amara)
        assert client.get(url, **EN).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(url, **EN).status_code == 200  # activity resets the clock
        traveller.shift(timedelta(minutes=29))
        assert client.get(url, **EN).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(url, **EN)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session
        assert client.get(url, **EN).status_code == 302


def test_mentors_keep_their_session_past_30_idle_minutes(cast: Cast, client_for: Any) -> None:
    url = reverse("home")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_for(cast.ben_user)
        first = client.get(url, **EN).status_code
        traveller.shift(timedelta(hours=2))
        assert client.get(url, **EN).status_code == first
        assert client.session["_auth_user_id"] == str(cast.ben_user.pk)
