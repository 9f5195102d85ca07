"""Mentor enrolment: a company's secret invitation link, and the employee who enrols through it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from binome.accounts import access, links
from binome.accounts.actors import Actor, signed_in
from binome.accounts.models import Role, User
from binome.audit import audit
from binome.lib.mail import send_email
from binome.organisations.models import Organisation
from binome.people.languages import language_of
from binome.people.models import MentorProfile
from binome.people.services import create_mentor_profile, create_person, set_languages
from binome.reference.models import CefrLevel, Language
from binome.sourcing.models import MentorInvitation
from binome.sourcing.selectors import mentor_invitations_visible_to


class LinkState(StrEnum):
    VALID = "valid"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    REVOKED = "revoked"


def link_state(invitation: MentorInvitation, today: date | None = None) -> LinkState:
    today = today or timezone.localdate()
    if invitation.revoked_at is not None:
        return LinkState.REVOKED
    if today < invitation.valid_from:
        return LinkState.NOT_YET
    if today > invitation.valid_until:
        return LinkState.EXPIRED
    return LinkState.VALID


def invitation_by_token(token: str) -> MentorInvitation | None:
    # Tokens are URL-safe base64 of 24 random bytes; anything longer is not one of ours.
    if not token or len(token) > 64:
        return None
    return MentorInvitation.objects.select_related("company__territory").filter(token=token).first()


def companies_inviting_for(user: Any) -> QuerySet[Organisation]:
    """Companies whose invitation links the user may manage: their own company as its contact,
    the companies of their territories as coordinator, every company as national admin.
    A company without a territory cannot invite: its mentors would have no territory."""
    scope = access.scope_of(user)
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY, territory__isnull=False)
    if scope.national_admin:
        return companies
    return companies.filter(Q(pk__in=scope.company_ids) | Q(territory_id__in=scope.territory_ids))


def invitations_with_counts(user: Any, company: Organisation) -> QuerySet[MentorInvitation]:
    return (
        mentor_invitations_visible_to(user)
        .filter(company=company)
        .annotate(enrolled_count=Count("enrolled"))
        .order_by("-valid_from", "-pk")
    )


def enrolled_through(invitation: MentorInvitation) -> QuerySet[MentorProfile]:
    """Who enrolled through a link: the employee's work facts only, never a duo or a mentee."""
    return invitation.enrolled.select_related("person").order_by("-enrolled_at", "pk")


@transaction.atomic
def create_invitation(
    company: Organisation, *, label: str, valid_from: date, valid_until: date, actor: Actor
) -> MentorInvitation:
    if not company.is_company or company.territory_id is None:
        raise ValidationError(_("Only a company with a territory can invite its employees."))
    invitation = MentorInvitation(
        company=company,
        label=label,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=signed_in(actor),
    )
    invitation.full_clean()
    invitation.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=invitation)
    return invitation


@transaction.atomic
def revoke_invitation(invitation: MentorInvitation, *, actor: Actor) -> bool:
    """Revoke a link; returns False if it was already revoked (nothing to do)."""
    if invitation.revoked_at is not None:
        return False
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(actor=actor, verb=audit.Verb.REVOKED, target=invitation)
    return True


# --- the link, sent to the company's HR contacts -----------------------------------------


@dataclass(frozen=True)
class HrRecipient:
    """Someone at the company who receives its enrolment link to pass on to the employees."""

    name: str
    email: str
    language: str
    user_id: int | None = None
    contact_id: int | None = None

    def __str__(self) -> str:
        return self.email if self.name == self.email else f"{self.name} <{self.email}>"


def hr_recipients(company: Organisation) -> list[HrRecipient]:
    """The company's HR contacts with an email address: its contact accounts (written to in the
    language they chose) and the contacts recorded on its relation, each address once."""
    found: dict[str, HrRecipient] = {}
    accounts = (
        User.objects.filter(roles__kind=Role.Kind.COMPANY_CONTACT, roles__organisation=company, is_active=True)
        .distinct()
        .order_by("email")
    )
    for user in accounts:
        name = f"{user.first_name} {user.last_name}".strip() or user.email
        found.setdefault(user.email.lower(), HrRecipient(name, user.email, language_of(user=user), user_id=user.pk))
    known = {u.email.lower(): u for u in User.objects.filter(email__in=[c.email for c in company.contacts.all()])}
    for contact in company.contacts.exclude(email="").order_by("name", "pk"):
        key = contact.email.lower()
        language = language_of(user=known.get(key))
        found.setdefault(key, HrRecipient(contact.name, contact.email, language, contact_id=contact.pk))
    return list(found.values())


@transaction.atomic
def send_link_to_hr(invitation: MentorInvitation, *, actor: Actor) -> list[HrRecipient]:
    """Email a valid enrolment link to each HR contact of its company, in their language, through
    the email worker; recorded on the link's trail. Raises ValidationError when there is nothing to send."""
    if link_state(invitation) != LinkState.VALID:
        raise ValidationError(_("Only a link valid today can be sent: create a new one."))
    company = invitation.company
    recipients = hr_recipients(company)
    if not recipients:
        raise ValidationError(
            _("%(company)s has no HR contact with an email address yet: add one to its contacts first.")
            % {"company": company.name}
        )
    url = links.absolute(reverse("sourcing:join", args=[invitation.token]))
    for recipient in recipients:
        with translation.override(recipient.language):
            subject = _("Binôme: the mentor enrolment link for %(company)s") % {"company": company.name}
            body = _(
                "Hello %(name)s,\n\nYour colleagues at %(company)s can now enrol as mentors of a refugee job "
                "seeker (%(period)s). Please forward them this link; it is open from %(start)s to %(end)s:\n"
                "%(url)s\n\nEach colleague who opens it creates an account and fills in a short profile; "
                "you will see on Binôme who enrolled.\n\nThank you!"
            ) % {
                "name": recipient.name,
                "company": company.name,
                "period": invitation.label,
                "start": formats.date_format(invitation.valid_from, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(invitation.valid_until, "SHORT_DATE_FORMAT"),
                "url": url,
            }
        send_email(subject=subject, body=body, to=[recipient.email], user_id=recipient.user_id)
    audit.record(
        actor=actor,
        verb=audit.Verb.SENT_ENROLMENT_LINK,
        target=invitation,
        accounts=[r.user_id for r in recipients if r.user_id],
        contacts=[r.contact_id for r in recipients if r.contact_id],
    )
    return recipients


@dataclass(frozen=True)
class Enrolment:
    user: User
    profile: MentorProfile
    # A new account waits for the link emailed to its address (inactive until then).
    needs_confirmation: bool = False


# At most one "someone tried to enrol with your address" email per address and hour.
KNOWN_ADDRESS_NOTICE_SECONDS = 3600


def already_mentor_at(user: Any, company: Organisation) -> MentorProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        MentorProfile.objects.filter(company=company, person__roles__user=user, person__roles__kind=Role.Kind.MENTOR)
        .select_related("person")
        .first()
    )


@transaction.atomic
def enrol_mentor(
    invitation: MentorInvitation,
    *,
    user_fields: Mapping[str, Any],
    person_fields: Mapping[str, Any],
    profile_fields: Mapping[str, Any],
    languages: Mapping[str, str],
    actor: Actor,
    privacy_notice: str = "",
) -> Enrolment | None:
    """Enrol an employee through their company's link: account (new, or the signed-in one),
    person in the company's territory, mentor profile not yet trained, mentor role.

    `user_fields` ({"email", "password"}) is used only when nobody is signed in; a signed-in
    `actor` gets the mentor role on their own account. Raises ValidationError (keyed by field
    where it can) and writes nothing if anything is wrong.

    Nobody signed in: a new address gets an inactive account and an email with the link that
    confirms it (`needs_confirmation`); an address that already has an account gets an email
    saying someone tried, and the result is None with nothing written. The visitor is told the
    same thing in both cases ("check your email"), so the form tells nobody who has an account.
    `privacy_notice`: the version of the notice the form showed, kept on the enrolment's trail.
    """
    # Lock the link so a revocation racing with the enrolment cannot be lost.
    invitation = MentorInvitation.objects.select_for_update().select_related("company").get(pk=invitation.pk)
    if link_state(invitation) != LinkState.VALID:
        raise ValidationError(_("This invitation link is no longer valid."))
    _check_languages(languages)
    company = invitation.company
    user: User | None
    signed = signed_in(actor)
    if signed is not None:
        user = signed
        if already_mentor_at(signed, company) is not None:
            raise ValidationError(_("You are already enrolled as a mentor for this company."))
    else:
        user = _new_account(invitation, user_fields, person_fields)
        if user is None:
            return None
    person = create_person(actor=user, territory=company.territory, email=user.email, **person_fields)
    set_languages(person, languages, actor=user)
    profile = create_mentor_profile(
        person,
        actor=user,
        company=company,
        enrolled_at=timezone.now(),
        training_status=MentorProfile.Training.NOT_STARTED,
        **profile_fields,
    )
    Role.objects.create(user=user, kind=Role.Kind.MENTOR, person=person)
    invitation.enrolled.add(profile)
    if not (user.first_name or user.last_name):
        user.first_name, user.last_name = person.first_name, person.last_name
        user.save(update_fields=["first_name", "last_name"])
    audit.record(
        actor=user, verb=audit.Verb.ENROLLED, target=profile, invitation=invitation.pk, privacy_notice=privacy_notice
    )
    # The cached scope predates the new role.
    if hasattr(user, "_binome_scope"):
        del user._binome_scope
    if not user.is_active:
        _send_confirmation(user, invitation)
        return Enrolment(user=user, profile=profile, needs_confirmation=True)
    return Enrolment(user=user, profile=profile)


def _check_languages(languages: Mapping[str, str]) -> None:
    if not languages:
        raise ValidationError({"languages": _("Give at least one language you speak.")})
    known = set(Language.objects.filter(code__in=list(languages)).values_list("code", flat=True))
    if set(languages) - known or any(level not in CefrLevel.values for level in languages.values()):
        raise ValidationError({"languages": _("Choose languages and levels from the lists.")})


def _new_account(
    invitation: MentorInvitation, user_fields: Mapping[str, Any], person_fields: Mapping[str, Any]
) -> User | None:
    """The inactive account of a visitor enrolling; None, with nothing written, when the address
    already has an account (its owner is told by email)."""
    email = User.objects.normalize_email(str(user_fields.get("email", ""))).lower()
    if not email:
        raise ValidationError({"email": _("Enter your email address.")})
    password = str(user_fields.get("password", ""))
    candidate = User(
        email=email, first_name=person_fields.get("first_name", ""), last_name=person_fields.get("last_name", "")
    )
    validate_password(password, candidate)  # raises with the validators' own messages
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Never say so on the page (issue #15, F15): the address's owner hears it by email.
        make_password(password)  # the same work as a new account, so the answer takes as long
        _notify_known_address(existing, invitation)
        return None
    user = candidate
    user.set_password(password)
    # Inactive until the link sent to the address is followed with this password: nobody
    # can use an address they do not read, and signing in before says what a wrong password says.
    user.is_active = False
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    audit.record(actor=user, verb=audit.Verb.CREATED, target=user)
    return user


def _send_confirmation(user: User, invitation: MentorInvitation) -> None:
    token = links.make_token(user, salt=links.ENROLMENT_CONFIRMATION)
    url = links.absolute(reverse("sourcing:join_confirm", args=[token]))
    with translation.override(language_of(user=user)):
        subject = _("Binôme: confirm your enrolment as a mentor")
        body = _(
            "Hello,\n\nTo finish your enrolment as a mentor with %(company)s, open this link within "
            "%(days)s days and type the password you chose:\n%(url)s\n\n"
            "If you did not enrol, ignore this email: without the link, the account cannot be used."
        ) % {"company": invitation.company.name, "days": links.ENROLMENT_CONFIRMATION_DAYS, "url": url}
    send_email(subject=subject, body=body, to=[user.email])


def _notify_known_address(user: User, invitation: MentorInvitation) -> None:
    key = "binome:enrol-notice:" + hashlib.sha256(user.email.lower().encode()).hexdigest()
    if not cache.add(key, 1, timeout=KNOWN_ADDRESS_NOTICE_SECONDS):
        return  # already told within the hour: the form must not become a way to flood a mailbox
    join = reverse("sourcing:join", args=[invitation.token])
    sign_in = links.absolute(f"{reverse('account_login')}?next={join}")
    reset = links.absolute(reverse("account_reset_password"))
    with translation.override(language_of(user=user)):
        subject = _("Binôme: someone tried to enrol with your address")
        body = _(
            "Hello,\n\nSomeone tried to enrol as a mentor with %(company)s using this email address, "
            "which already has a Binôme account. Nothing was changed.\n\n"
            "If it was you: sign in first, then open the enrolment link again:\n%(sign_in)s\n"
            "Forgot your password? Choose a new one here:\n%(reset)s\n\n"
            "If it was not you, you can ignore this email."
        ) % {"company": invitation.company.name, "sign_in": sign_in, "reset": reset}
    send_email(subject=subject, body=body, to=[user.email])


@transaction.atomic
def confirm_enrolment(user: User) -> None:
    """The link sent at enrolment was followed with the account's password: the address is
    proven and the account opens."""
    user.is_active = True
    user.save(update_fields=["is_active"])
    links.mark_email_verified(user)
    audit.record(actor=user, verb=audit.Verb.CONFIRMED_ENROLMENT, target=user)
