"""Links sent to an email address: whoever follows one proves they read that mailbox.

Two uses (security issue #15, F4 and F15):

- a **role invitation**: opening a territory names a coordinator whose account exists but whose
  address was never proven (anyone could have registered it through an enrolment link). The
  role is granted only when the link is followed, by that account signed in, or by whoever
  chooses a new password through it (which takes the account away from anyone who registered
  the address without owning it);
- an **enrolment confirmation**: an employee's new account stays inactive until the link sent
  to the address is followed and the password chosen at enrolment typed again.

This module holds what both share (signed tokens, proven addresses); sending and accepting a role
invitation lives in binome/operations/invitations.py, enrolment in binome/sourcing/enrolment.py.

Tokens are signed (`django.core.signing`, the project's SECRET_KEY) and carry a fingerprint of
the account's password, email and active flag: setting a password, confirming the enrolment or
an erasure (which replaces the email) makes an earlier link worthless.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from binome.accounts.models import Role, User

ROLE_INVITATION = "binome.accounts.links.role-invitation"
ENROLMENT_CONFIRMATION = "binome.accounts.links.enrolment-confirmation"
# A link the coordinator hands to a mentee without email (printed or copied): choose a password, sign in.
CONNECTION_LINK = "binome.accounts.links.connection"
ROLE_INVITATION_DAYS = 14
ENROLMENT_CONFIRMATION_DAYS = 7
CONNECTION_LINK_DAYS = 30
# The address of an account whose person has no email (RFC 2606: `.invalid` never receives mail).
NO_EMAIL_DOMAIN = "sans-email.invalid"

# Roles that open other people's files: they take effect only on a proven address.
STAFF_LIKE_ROLES = frozenset(
    {
        Role.Kind.NATIONAL_ADMIN,
        Role.Kind.COORDINATOR,
        Role.Kind.COMPANY_CONTACT,
        Role.Kind.REFERRER,
        Role.Kind.FUNDER,
    }
)


def email_verified(user: User) -> bool:
    """True when the account's own address was proven by a link (allauth's EmailAddress.verified)."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def mark_email_verified(user: User) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def is_placeholder(email: str) -> bool:
    """An account address that stands for "no email" (a mentee without one): never written to."""
    return email.lower().endswith("@" + NO_EMAIL_DOMAIN)


def forget_addresses(user: User) -> None:
    """Drop allauth's records of the account's addresses other than its current one (after a change
    of address by staff: the old one is no longer the person's)."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()


def _fingerprint(user: User) -> str:
    state = f"{user.pk}:{user.email.lower()}:{user.password}:{int(user.is_active)}"
    return salted_hmac("binome.accounts.links.fingerprint", state, algorithm="sha256").hexdigest()[:24]


def make_token(user: User, *, salt: str, **extra: Any) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user), **extra}, salt=salt, compress=True)


def read_token(token: str, *, salt: str, max_age_days: int) -> tuple[User, dict[str, Any]] | None:
    """The account a link was made for and its payload, or None (forged, expired or used up)."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=salt, max_age=max_age_days * 86400)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=int(data.get("u") or 0)).first()
    if user is None or not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        return None
    return user, data


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
