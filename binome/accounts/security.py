"""Who must use a second factor, whether this session has used it, and the session marks the
security middleware reads.

The marks live in the session so that a request costs no extra query. A session has passed its
second factor only when allauth's second-factor step ran in it (allauth records each
authentication step in the session, and signals it), or when the user set up the authenticator in
it (which takes one of its codes). Having an authenticator is not enough: a session opened by any
other sign-in (the Django admin's own form, before #15) never ran the step.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.account.signals import authentication_step_completed, password_reset
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from binome.accounts.access import scope_of
from binome.accounts.links import mark_email_verified

# The id of the user whose second factor this session has checked (a new name: the marks of
# the old rule, set for anyone holding an authenticator, do not count).
MFA_SESSION_KEY = "binome_second_factor_user"
# The id of the user who set up an authenticator in this session (see `promote_set_up`).
SET_UP_SESSION_KEY = "binome_second_factor_set_up"
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


def is_organisation_user(user: Any) -> bool:
    """Company contacts, partner referrers and funder viewers: they open their organisation's data."""
    if not user.is_authenticated:
        return False
    scope = scope_of(user)
    return bool(scope.company_ids or scope.partner_ids or scope.funder)


def has_unverified_address(user: Any) -> bool:
    """allauth refuses to set up an authenticator while any address of the account is unverified."""
    return EmailAddress.objects.filter(user_id=user.pk, verified=False).exists()


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def second_factor_passed(request: HttpRequest, user: Any) -> bool:
    return bool(user.is_authenticated and request.session.get(MFA_SESSION_KEY) == str(user.pk))


def _mark_second_factor(request: HttpRequest, user: Any) -> None:
    request.session[MFA_SESSION_KEY] = str(user.pk)


def _second_factor_recorded(request: HttpRequest, user: Any) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


@receiver(user_logged_in, dispatch_uid="binome_security_on_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # allauth runs its second-factor step before `login()`, and records it in the session: only
    # that record counts. Every other sign-in starts without a second factor.
    if request is None or not hasattr(request, "session"):
        return
    request.session[ACTIVITY_SESSION_KEY] = int(timezone.now().timestamp())
    request.session.pop(SET_UP_SESSION_KEY, None)
    if _second_factor_recorded(request, user):
        _mark_second_factor(request, user)
    else:
        request.session.pop(MFA_SESSION_KEY, None)


@receiver(authentication_step_completed, dispatch_uid="binome_security_mfa_step")
def _on_authentication_step(sender: Any, request: HttpRequest, user: Any, method: str, **kwargs: Any) -> None:
    # The code of a sign-in (before `login()`) or of a reauthentication in an open session.
    if method == "mfa":
        _mark_second_factor(request, user)


@receiver(post_save, sender=Authenticator, dispatch_uid="binome_security_mfa_set_up")
def _on_authenticator_saved(sender: Any, instance: Authenticator, created: bool, **kwargs: Any) -> None:
    # Setting up an authenticator app takes one of its codes, in the session of the user (allauth's
    # own signal waits for the commit). Only a hint until the authenticator is seen to exist: the
    # middleware then counts the second factor as used (`promote_set_up`).
    request = context.request
    user = getattr(request, "user", None)
    if created and instance.type in SECOND_FACTORS and user is not None and user.pk == instance.user_id:
        request.session[SET_UP_SESSION_KEY] = str(user.pk)


def promote_set_up(request: HttpRequest, user: Any) -> bool:
    """The session set up the authenticator the user has now: its second factor is used."""
    if request.session.get(SET_UP_SESSION_KEY) != str(user.pk):
        return False
    del request.session[SET_UP_SESSION_KEY]
    _mark_second_factor(request, user)
    return True


@receiver(authenticator_removed, dispatch_uid="binome_security_mfa_removed")
def _on_authenticator_removed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if not has_second_factor(user):
        request.session.pop(MFA_SESSION_KEY, None)


@receiver(password_reset, dispatch_uid="binome_security_reset_proves_the_address")
def _on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # A password reset link was followed: it went to the address typed on the reset form, which is
    # the account's only address when the account has one, so that mailbox is proven (without
    # this, allauth's reset leaves behind the unverified address it records for the token, and then
    # refuses the two-factor set-up). With several addresses, which one received it is unknown.
    addresses = {
        address.lower() for address in EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)
    }
    if addresses <= {str(user.email).lower()}:
        mark_email_verified(user)
