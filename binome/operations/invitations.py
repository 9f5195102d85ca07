"""Role invitations: opening a territory names a coordinator whose address may never have been
proven, so the role is granted only when the emailed link is followed (security issue #15, F4;
the signed tokens are binome.accounts.links').

Here, above the domains, because an invitation names a territory or an organisation and is audited.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.accounts.links import (
    ROLE_INVITATION,
    ROLE_INVITATION_DAYS,
    absolute,
    email_verified,
    make_token,
    mark_email_verified,
)
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.mail import send_email
from binome.organisations.models import Organisation
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
        actor=actor,
        verb=audit.Verb.SENT_ROLE_INVITATION,
        target=user,
        role=kind,
        territory=getattr(territory, "pk", None),
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
        verb=audit.Verb.ACCEPTED_ROLE_INVITATION,
        target=user,
        role=role.kind,
        territory=role.territory_id,
        new_password=new_password is not None,
    )
    if hasattr(user, "_binome_scope"):
        del user._binome_scope
    return role
