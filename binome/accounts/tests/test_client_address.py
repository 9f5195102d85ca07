"""The client address axes records, for requests that came from no connection."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest

from binome.accounts.clients import axes_client_address, client_address
from conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_request_without_a_connection_address_counts_as_unknown_but_axes_records_no_address() -> None:
    request = HttpRequest()
    assert client_address(request) == "unknown"
    assert axes_client_address(request) is None
    request.META["REMOTE_ADDR"] = "203.0.113.7"
    assert axes_client_address(request) == "203.0.113.7"


def test_a_failed_sign_in_without_a_connection_address_is_recorded_on_every_database(cast: Cast) -> None:
    # A request built in code (no REMOTE_ADDR) used to reach axes as "unknown", which
    # PostgreSQL's address column refuses: the sign-in raised instead of failing.
    request = HttpRequest()
    request.session = SessionStore()
    assert authenticate(request, email=cast.amara.email, password="not-her-password") is None
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address is None
    assert attempt.failures_since_start == 1
