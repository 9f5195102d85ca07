"""Lockout after repeated failed sign-ins (django-axes): per email tried, and per client address."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
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


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with two thresholds: AXES_FAILURE_LIMIT failures on one account
    (from anywhere), or AXES_ADDRESS_FAILURE_LIMIT failures from one client address (whatever the
    accounts: password spraying). Failures on unknown emails count for the address only, so a
    guesser locks themselves, never the people behind the same proxy."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # axes compares this one number with AXES_FAILURE_LIMIT, so the address's failures are
        # scaled to that limit: they reach it exactly when they reach AXES_ADDRESS_FAILURE_LIMIT.
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        on_account = _failures(recent.filter(username=username)) if username else 0
        from_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        account_limit = get_failure_limit(request, credentials)
        return max(on_account, from_address * account_limit // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """A successful sign-in forgets the failures on that account only. axes would also forget
        every failure from the address, so an attacker signing in to their own account (a mentor's,
        say) between guesses would never reach either threshold."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count
