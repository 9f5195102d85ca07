"""Links sent to an email address: whoever follows one proves they read that mailbox.

Two uses (security issue #15, F4 and F15):

- a **role invitation**: opening a territory names a coordinator whose account exists but whose
  address was never proven (anyone could have registered it through an enrolment link). The
  role is granted only when the link is followed, by that account signed in, or by whoever
  chooses a new password through it (which takes the account away from anyone who registered
  the address without owning it);
- an **enrolment confirmation**: an employee's new account stays inactive until the link sent
  to the address is followed and the password chosen at enrolment typed again.

Tokens are signed (`django.core.signing`, the project's SECRET_KEY) and carry a fingerprint of
the account's password, email and active flag: setting a password, confirming the enrolment or
an erasure (which replaces the email) makes an earlier link worthless.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from binome.accounts.models import Role, User
from binome.lib.mail import language_of, send_email
from binome.organisations.models import Organisation
from binome.privacy import audit
from binome.territories.models import Territory

ROLE_INVITATION = "binome.accounts.links.role-invitation"
ENROLMENT_CONFIRMATION = "binome.accounts.links.enrolment-confirmation"
ROLE_INVITATION_DAYS = 14
ENROLMENT_CONFIRMATION_DAYS = 7

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


# --- role invitations -------------------------------------------------------------------------


def send_role_invitation(
    user: User,
    *,
    kind: str,
    actor: Any,
    territory: Territory | None = None,
    organisation: Organisation | None = None,
) -> None:
    """Email the account's address a link that grants the role when followed (queued on commit)."""
    token = make_token(
        user,
        salt=ROLE_INVITATION,
        k=kind,
        t=territory.pk if territory else None,
        o=organisation.pk if organisation else None,
    )
    url = absolute(reverse("accounts:role_invitation", args=[token]))
    scope = str(territory or organisation or "")
    with translation.override(language_of(user=user)):
        role = str(Role.Kind(kind).label)
        subject = _("Binôme: you are invited as %(role)s") % {"role": role}
        body = _(
            "Hello,\n\nYou are invited to Binôme as %(role)s %(scope)s.\n\n"
            "Open this link to accept (within %(days)s days). If you have no password yet, or do not "
            "know the one of this account, you choose a new one there:\n%(url)s\n\n"
            "If you did not expect this invitation, ignore this email: nothing changes without the link."
        ) % {"role": role, "scope": scope, "days": ROLE_INVITATION_DAYS, "url": url}
    send_email(subject=subject, body=body, to=[user.email])
    audit.record(
        actor=actor, verb="sent role invitation", target=user, role=kind, territory=getattr(territory, "pk", None)
    )


def invitation_grant(data: dict[str, Any]) -> dict[str, Any]:
    """The Role fields a role invitation's payload stands for."""
    return {"kind": data.get("k"), "territory_id": data.get("t"), "organisation_id": data.get("o")}


@transaction.atomic
def accept_role_invitation(user: User, data: dict[str, Any], *, new_password: str | None) -> Role:
    """Grant the invited role. `new_password` set means the visitor proved the mailbox but not the
    account: the password is replaced (signing out every session) and, if the address was never
    proven, the authenticators go too, since whoever registered the address may have set them up."""
    proven_before = email_verified(user)
    if new_password is not None:
        user.set_password(new_password)
        if not proven_before:
            Authenticator.objects.filter(user=user).delete()
    user.is_active = True
    user.save()
    mark_email_verified(user)
    role, _created = Role.objects.get_or_create(user=user, **invitation_grant(data))
    audit.record(
        actor=user,
        verb="accepted role invitation",
        target=user,
        role=role.kind,
        territory=role.territory_id,
        new_password=new_password is not None,
    )
    if hasattr(user, "_binome_scope"):
        del user._binome_scope
    return role
