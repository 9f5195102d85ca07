"""Who must use a second factor, and the session marks the security middleware reads.

The marks live in the session so that a request costs no extra query: they are set when
the user signs in (`user_logged_in`) and when an authenticator is added or removed.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from binome.accounts.access import scope_of

MFA_SESSION_KEY = "binome_mfa"
ACTIVITY_SESSION_KEY = "binome_last_activity"
# The authenticators that are a second factor on their own (recovery codes only back one up).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def is_demo_account(user: Any) -> bool:
    return str(user.email).lower().endswith("@" + settings.DEMO_EMAIL_DOMAIN)


def mfa_required(user: Any) -> bool:
    """Every role but mentors and mentees opens other people's files: they need a second factor.
    Demo accounts are spared only in demo mode (which a deploy check forbids in production)."""
    if not user.is_authenticated:
        return False
    if settings.DEMO_MODE and is_demo_account(user):
        return False
    scope = scope_of(user)
    return bool(scope.is_staff or scope.company_ids or scope.partner_ids or scope.funder)


def is_staff_user(user: Any) -> bool:
    return bool(user.is_authenticated and scope_of(user).is_staff)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


@receiver(user_logged_in, dispatch_uid="binome_security_on_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # allauth runs its second-factor stage before `login()` for users who have an authenticator,
    # so having one at this point means it was used.
    if request is None or not hasattr(request, "session"):
        return
    request.session[ACTIVITY_SESSION_KEY] = int(timezone.now().timestamp())
    request.session[MFA_SESSION_KEY] = has_second_factor(user)


@receiver(authenticator_added, dispatch_uid="binome_security_mfa_added")
def _on_authenticator_added(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[MFA_SESSION_KEY] = has_second_factor(user)


@receiver(authenticator_removed, dispatch_uid="binome_security_mfa_removed")
def _on_authenticator_removed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[MFA_SESSION_KEY] = has_second_factor(user)
