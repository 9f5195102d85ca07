"""Lockout after repeated failed sign-ins (django-axes), keyed on the email that was tried."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, except for calls without a request (shell, management commands, tests of
    passwords): there is no web sign-in to lock, so they go on to the password backends."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """allauth passes `email=`; its form posts `login`. Lower-cased, as accounts are stored."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username") or request.POST.get("login")
    return str(value).strip().lower() if value else None


def lockout_response(request: HttpRequest, original_response: Any, credentials: dict[str, Any] | None) -> HttpResponse:
    """The page a locked-out sign-in gets (429): how long to wait, and the password reset."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "account/lockout.html", context, status=429)
