"""Second factor and idle timeout, enforced on every request of a signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from binome.accounts.security import (
    ACTIVITY_SESSION_KEY,
    has_second_factor,
    has_unverified_address,
    is_organisation_user,
    is_staff_user,
    mfa_required,
    promote_set_up,
    second_factor_passed,
)

# Always open: sign-out, language, static files.
ALWAYS_OPEN_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/")
# What a user without any authenticator may still open: the set-up pages (allauth asks for the
# password again first), and the email pages, since allauth refuses to set up an authenticator
# while an address of the account is unverified: sending the user to set-up without them open
# would be a loop (issue 18, "Accounts dead-end").
EMAIL_PAGES = ("/accounts/email/", "/accounts/confirm-email/")
MFA_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", *EMAIL_PAGES, *ALWAYS_OPEN_PREFIXES)
# What a user whose session has not used its authenticator may open: the page asking for its code.
# Not the authenticator pages: a password alone must not replace the authenticator.
CODE_OPEN_PREFIXES = ("/accounts/2fa/reauthenticate/", *ALWAYS_OPEN_PREFIXES)
# Recorded activity is refreshed at most this often, so most requests do not write the session.
ACTIVITY_RESOLUTION = 60


class RequireMFAMiddleware:
    """Staff, company contacts, referrers and funders must have used their second factor in this
    session: without an authenticator they are sent to set one up, with one they are asked its
    code (a session opened by a sign-in that did not ask it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALWAYS_OPEN_PREFIXES)
            and not second_factor_passed(request, user)
            and mfa_required(user)
        ):
            if has_second_factor(user):
                if not promote_set_up(request, user) and not request.path.startswith(CODE_OPEN_PREFIXES):
                    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
            elif not request.path.startswith(MFA_OPEN_PREFIXES):
                return _to_set_up(request, user)
        return self.get_response(request)


def _to_set_up(request: HttpRequest, user: Any) -> HttpResponse:
    """The set-up page, or first the email page when allauth would refuse the set-up (an address of
    the account is not verified yet): never a page that sends the user back here."""
    if has_unverified_address(user):
        messages.warning(
            request,
            _(
                "Your role gives access to personal files and needs two-factor authentication, which can "
                "only be set up once your email address is verified: follow the link we sent to it, or "
                "send it again below."
            ),
        )
        return redirect("account_email")
    messages.warning(request, _("Your role gives access to personal files: set up two-factor authentication first."))
    return redirect("mfa_activate_totp")


def idle_timeout_for(request: HttpRequest) -> int | None:
    """Seconds without a request after which this user is signed out; None: the session's age."""
    user = request.user
    if is_staff_user(user):
        return int(settings.STAFF_IDLE_TIMEOUT)
    if is_organisation_user(user):
        return int(settings.ORGANISATION_IDLE_TIMEOUT)
    return None


class IdleTimeoutMiddleware:
    """Staff sessions end after STAFF_IDLE_TIMEOUT seconds without a request, those of company
    contacts, referrers and funder viewers after ORGANISATION_IDLE_TIMEOUT; mentors and mentees
    keep the session's own age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = idle_timeout_for(request) if request.user.is_authenticated else None
        if timeout is not None:
            now = int(timezone.now().timestamp())
            last = request.session.get(ACTIVITY_SESSION_KEY)
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.") % {"minutes": timeout // 60},
                )
                return redirect_to_login(request.get_full_path())
            if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                request.session[ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)
