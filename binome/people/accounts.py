"""Accounts of mentors and mentees, and the invitation link every role's account is sent.

Every mentee and mentor gets an account when their duo is formed (`ensure_member_account`,
called by binome.pairing), with an invitation in their language to choose a password. The link
is the role invitation of binome/operations/invitations.py (its page: accounts:role_invitation):
choosing the password through it proves the mailbox and verifies the address in the same step.

A mentee without an email address still gets an account, under a placeholder address that never
receives mail (`links.NO_EMAIL_DOMAIN`); the coordinator hands her a one-time connection link
instead (`connection_url`, page accounts:connect). Once her file has a real address, the account
takes it (`adopt_real_address`) and a password reset reaches her like anyone.

Here, in people, because it reads people's files and is audited, and pairing (above) calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binome.accounts import links
from binome.accounts.actors import Actor
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.mail import send_email
from binome.organisations.models import Organisation
from binome.people.languages import languages_of
from binome.people.models import Person
from binome.reference.models import CefrLevel
from binome.territories.models import Territory

MEMBER_KINDS = (Role.Kind.MENTOR, Role.Kind.MENTEE)


def invitation_url(
    user: User,
    *,
    kind: str,
    territory: Territory | None = None,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> str:
    """The absolute link that grants `kind` in that scope to whoever follows it (and chooses a
    password, or is signed in as the account): see binome/operations/invitations.py."""
    token = links.make_token(
        user,
        salt=links.ROLE_INVITATION,
        k=kind,
        t=territory.pk if territory else None,
        o=organisation.pk if organisation else None,
        p=person.pk if person else None,
    )
    return links.absolute(reverse("accounts:role_invitation", args=[token]))


def connection_url(user: User) -> str:
    """A one-time link that lets the account's owner choose a password and sign in (a mentee without
    email is handed it). Used up once a password is chosen; a new one can be made at any time."""
    token = links.make_token(user, salt=links.CONNECTION_LINK)
    return links.absolute(reverse("accounts:connect", args=[token]))


def member_account(person: Person) -> User | None:
    """The account that holds a mentor or mentee role for this person, if any."""
    role = Role.objects.filter(person=person, kind__in=MEMBER_KINDS).select_related("user").order_by("pk").first()
    return role.user if role else None


def writing_language(person: Person) -> str:
    """The language to write to a member in: the one their account chose, else, for a mentee whose
    French is still a beginner's, English or Arabic when her file says she speaks it, else French."""
    chosen = User.objects.filter(roles__person=person).exclude(language="").values_list("language", flat=True).first()
    if chosen:
        return languages_of([person])[person.pk]
    profile = getattr(person, "mentee_profile", None)
    if profile is not None and profile.french_level and CefrLevel.rank(profile.french_level) <= 2:
        spoken = set(person.languages.values_list("language_id", flat=True))
        for code in ("ar", "en"):
            if code in spoken:
                return code
    return languages_of([person])[person.pk]


@dataclass
class MemberAccount:
    user: User | None
    created: bool = False  # a new account
    granted: bool = False  # the role was added now
    invited: bool = False  # an invitation email was queued
    # An existing account whose address was never proven: only invited; the role comes with the link.
    pending: bool = False


def _placeholder_email(person: Person) -> str:
    return f"{slugify(person.first_name)[:30] or 'member'}.{person.pk}@{links.NO_EMAIL_DOMAIN}"


@transaction.atomic
def ensure_member_account(person: Person, *, kind: str, actor: Actor) -> MemberAccount:
    """Give this person an account with the mentor or mentee role, unless they have one: a new
    account has no password until one is chosen through the invitation emailed to the person (in
    their language), or through the connection link handed over when they have no email."""
    if Role.objects.filter(person=person, kind=kind).exists():
        return MemberAccount(user=member_account(person))
    email = person.email.strip().lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    created = user is None
    if user is None:
        user = User.objects.create_user(
            email=email or _placeholder_email(person),
            password=None,
            first_name=person.first_name[:150],
            last_name=person.last_name[:150],
        )
        audit.record(actor=actor, verb=audit.Verb.CREATED, target=user, person=person.pk)
    elif not (user.is_active and links.email_verified(user)):
        # Anyone may have registered this address (an enrolment link asks no proof of it): the
        # role would open the duo to whoever holds that account's password. The link proves it.
        send_member_invitation(user, person, kind=kind, actor=actor)
        return MemberAccount(user=user, invited=True, pending=True)
    role = Role.objects.create(user=user, kind=kind, person=person)
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=role, kind=kind, person=person.pk)
    invited = False
    if email and (created or not user.has_usable_password()):
        send_member_invitation(user, person, kind=kind, actor=actor)
        invited = True
    return MemberAccount(user=user, created=created, granted=True, invited=invited)


def send_member_invitation(user: User, person: Person, *, kind: str, actor: Actor) -> None:
    """Email the person a link to choose the password of their account (queued on commit)."""
    if links.is_placeholder(user.email):
        return
    url = invitation_url(user, kind=kind, person=person)
    with translation.override(writing_language(person)):
        subject = _("Binôme: your account is ready")
        body = _(
            "Hello %(name)s,\n\nYou take part in Binôme as %(role)s. Your account is ready: open this "
            "link (within %(days)s days) to choose your password. You will then find your duo, your "
            "meetings and the workshops on the site:\n%(url)s\n\n"
            "Later, sign in at %(login)s with this email address and your password.\n\n"
            "If you did not expect this email, ignore it: nothing happens without the link."
        ) % {
            "name": person.first_name,
            "role": str(Role.Kind(kind).label).lower(),
            "days": links.ROLE_INVITATION_DAYS,
            "url": url,
            "login": links.absolute(reverse("account_login")),
        }
    send_email(subject=subject, body=body, to=[user.email], person_id=person.pk, user_id=user.pk)
    audit.record(actor=actor, verb=audit.Verb.SENT_ROLE_INVITATION, target=user, role=kind, person=person.pk)


def adopt_real_address(person: Person, *, actor: Actor) -> User | None:
    """The file of a member whose account has a placeholder address now has a real one: the account
    takes it (unless another account has it), so that signing in and password resets reach them."""
    email = person.email.strip().lower()
    user = member_account(person)
    if not email or user is None or not links.is_placeholder(user.email):
        return None
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        return None
    user.email = email
    user.save(update_fields=["email"])
    # The placeholder's allauth row (if any) goes; the new address is proven by the next link followed.
    links.forget_addresses(user)
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=user, fields=["email"])
    return user
