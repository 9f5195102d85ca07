"""Second factor and idle timeout, enforced on every request of a signed-in user."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.security import (
    ACTIVITY_SESSION_KEY,
    MFA_SESSION_KEY,
    has_second_factor,
    is_staff_user,
    mfa_required,
)

# What a user without a second factor may still open: the set-up pages, sign-out, language, static files.
MFA_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/i18n/", "/static/")
# Recorded activity is refreshed at most this often, so most requests do not write the session.
ACTIVITY_RESOLUTION = 60


class RequireMFAMiddleware:
    """Staff, company contacts, referrers and funders without an authenticator are sent to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_OPEN_PREFIXES)
            and not request.session.get(MFA_SESSION_KEY)
            and mfa_required(user)
        ):
            # Sessions opened before the rule (or the authenticator) existed: look once, then remember.
            if has_second_factor(user):
                request.session[MFA_SESSION_KEY] = True
            else:
                messages.warning(
                    request, _("Your role gives access to personal files: set up two-factor authentication first.")
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_IDLE_TIMEOUT seconds without a request; other roles keep
    the session's own age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and is_staff_user(user):
            now = int(timezone.now().timestamp())
            last = request.session.get(ACTIVITY_SESSION_KEY)
            if isinstance(last, int) and now - last > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.STAFF_IDLE_TIMEOUT // 60},
                )
                return redirect_to_login(request.get_full_path())
            if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION:
                request.session[ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)
