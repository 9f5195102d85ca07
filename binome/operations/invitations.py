"""Role invitations: opening a territory names a coordinator whose address may never have been
proven, so the role is granted only when the emailed link is followed (security issue #15, F4;
the signed tokens are binome.accounts.links').

Here, above the domains, because an invitation names a territory or an organisation and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.accounts.links import (
    ROLE_INVITATION_DAYS,
    email_verified,
    forget_addresses,
    is_placeholder,
    mark_email_verified,
)
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.mail import send_email
from binome.organisations.models import Organisation
from binome.people.accounts import invitation_url, send_member_invitation
from binome.people.languages import language_of
from binome.territories.models import Territory


def send_role_invitation(
    user: User,
    *,
    kind: str,
    actor: Actor,
    territory: Territory | None = None,
    organisation: Organisation | None = None,
) -> None:
    """Email the account's address a link that grants the role when followed (queued on commit)."""
    url = invitation_url(user, kind=kind, territory=territory, organisation=organisation)
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
    send_email(subject=subject, body=body, to=[user.email], user_id=user.pk)
    audit.record(
        actor=actor,
        verb=audit.Verb.SENT_ROLE_INVITATION,
        target=user,
        role=kind,
        territory=getattr(territory, "pk", None),
        organisation=getattr(organisation, "pk", None),
    )


def invitation_grant(data: dict[str, Any]) -> dict[str, Any]:
    """The Role fields a role invitation's payload stands for."""
    return {
        "kind": data.get("k"),
        "territory_id": data.get("t"),
        "organisation_id": data.get("o"),
        "person_id": data.get("p"),
    }


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
            # Other addresses were added by whoever held the account: unproven, they would also keep
            # allauth from letting the owner set up two-factor authentication.
            forget_addresses(user)
    user.is_active = True
    user.save()
    mark_email_verified(user)
    role, _created = Role.objects.get_or_create(user=user, **invitation_grant(data))
    audit.record(
        actor=user,
        verb=audit.Verb.ACCEPTED_ROLE_INVITATION,
        target=user,
        role=role.kind,
        territory=role.territory_id,
        new_password=new_password is not None,
    )
    if hasattr(user, "_binome_scope"):
        del user._binome_scope
    return role


# --- accounts created by staff (issue 18): a coordinator, a company contact, a referrer -------

# The roles staff pages invite to, with the scope each needs.
INVITED_BY_STAFF = (Role.Kind.COORDINATOR, Role.Kind.COMPANY_CONTACT, Role.Kind.REFERRER)


@dataclass
class Invitation:
    user: User
    role: Role | None  # None while pending: the role comes when the link is followed
    created: bool = False  # a new account
    already: bool = False  # the account had this role already (the invitation was sent again)


def scope_errors(kind: str, *, territory: Territory | None, organisation: Organisation | None) -> list[str]:
    """What is wrong with this role and scope, as sentences (never the database constraint's name)."""
    if kind not in INVITED_BY_STAFF:
        return [_("Only coordinators, company contacts and referrers are invited from this page.")]
    if kind == Role.Kind.COORDINATOR:
        if territory is None or organisation is not None:
            return [_("A coordinator works for a territory: choose the territory, and no organisation.")]
        return []
    if organisation is None:
        return [_("Choose the organisation this account works for.")]
    if kind == Role.Kind.COMPANY_CONTACT and not organisation.is_company:
        return [
            _("%(name)s is not a company: a company contact belongs to a company (invite a referrer instead).")
            % {"name": organisation.name}
        ]
    if kind == Role.Kind.REFERRER and not organisation.is_partner:
        return [
            _("%(name)s is not an NGO or a public institution: a referrer belongs to a partner organisation.")
            % {"name": organisation.name}
        ]
    return []


def _valid_email(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError({"email": _("“%(email)s” is not an email address.") % {"email": email}}) from error
    if is_placeholder(address):
        raise ValidationError({"email": _("Give the person's real email address.")})
    return address


@transaction.atomic
def invite_to_role(
    email: str,
    *,
    kind: str,
    actor: Actor,
    territory: Territory | None = None,
    organisation: Organisation | None = None,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Create the account (or find it by its address) with the role in its scope, and email it the
    invitation to choose a password. Inviting an address that already has an account adds the role
    to it. As when a territory is opened, an existing account whose address was never proven gets
    only the link, and the role when it is followed (anyone could have registered that address)."""
    errors = scope_errors(kind, territory=territory, organisation=organisation)
    if errors:
        raise ValidationError(errors)
    address = _valid_email(email)
    grant = {"kind": kind, "territory": territory, "organisation": organisation}
    user = User.objects.filter(email__iexact=address).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=address, password=None, first_name=first_name, last_name=last_name)
        audit.record(actor=actor, verb=audit.Verb.CREATED, target=user)
    elif not (user.first_name or user.last_name) and (first_name or last_name):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    role = Role.objects.filter(user=user, **grant).first()
    already = role is not None
    if role is None and (created or (user.is_active and email_verified(user))):
        role = Role(user=user, **grant)
        role.full_clean()
        role.save()
        audit.record(actor=actor, verb=audit.Verb.CREATED, target=role, kind=kind)
    send_role_invitation(user, kind=kind, territory=territory, organisation=organisation, actor=actor)
    if hasattr(user, "_binome_scope"):
        del user._binome_scope
    return Invitation(user=user, role=role, created=created, already=already)


def invitation_pending(user: User) -> bool:
    """The account has not followed an invitation yet: no password chosen, or its address unproven."""
    return not (user.is_active and user.has_usable_password() and email_verified(user))


def resend_invitation(role: Role, *, actor: Actor) -> None:
    """Send the invitation of this role again (a new link: the earlier one stays valid until used)."""
    if role.person is not None:
        send_member_invitation(role.user, role.person, kind=role.kind, actor=actor)
        return
    send_role_invitation(
        role.user, kind=role.kind, territory=role.territory, organisation=role.organisation, actor=actor
    )
