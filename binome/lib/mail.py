"""Email leaves through the background worker, never inside a web request.

The message itself waits in `OutgoingMessage` (encrypted at rest, see binome/lib/models.py); the
task carries only its id, so no task row ever holds a password-reset link, a survey link, an
address or a name. The worker wipes the message once it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import MIMEPart
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from binome.lib.models import OutgoingMessage

if TYPE_CHECKING:
    from binome.people.models import Person


@task()
def deliver_email(
    message_id: int = 0,
    subject: str = "",
    body: str = "",
    to: list[str] | None = None,
    html_body: str | None = None,
) -> int:
    """Send one outgoing message, then wipe its content; 0 when there is nothing to send (already
    sent, or deleted by an erasure meanwhile).

    The other arguments are this task's former signature: rows queued before the upgrade still run.
    """
    if not message_id:
        return _send(subject=subject, body=body, to=to or [], html_body=html_body or "")
    message = OutgoingMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return 0
    sent = _send(
        subject=message.subject,
        body=message.body,
        to=message.recipients,
        html_body=message.html_body,
        calendar=message.calendar,
        calendar_method=message.calendar_method,
    )
    # No lock is held while the mail server answers (on SQLite a write lock would stop the web
    # process); the task backend already gives each task to one worker only.
    message.wipe()
    message.sent_at = timezone.now()
    message.save(update_fields=["to", "subject", "body", "html_body", "calendar", "sent_at"])
    return sent


def _send(
    *, subject: str, body: str, to: list[str], html_body: str = "", calendar: str = "", calendar_method: str = ""
) -> int:
    if not to:
        return 0
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    if calendar:
        # text/calendar with its METHOD parameter: what mail clients look for to offer "add to calendar".
        part = MIMEPart()
        part.set_content(
            calendar,
            subtype="calendar",
            charset="utf-8",
            params={"method": calendar_method},
            disposition="attachment",
            filename="invitation.ics",
        )
        message.attach(part)
    return message.send()


def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    person_id: int | None = None,
    about_person_id: int | None = None,
    user_id: int | None = None,
    calendar: str = "",
    calendar_method: str = "",
) -> OutgoingMessage:
    """Queue an email once the current transaction commits (nothing is sent for a rolled-back write).

    `person_id`: the person the email is to, `about_person_id`: the person it speaks of, `user_id`:
    the account it is to, when known; erasing either person deletes the message and its task record.
    `calendar`: an .ics attachment
    (with its METHOD, "REQUEST" or "CANCEL")."""
    message = OutgoingMessage.objects.create(
        person_id=person_id,
        about_person_id=about_person_id,
        user_id=user_id,
        to="\n".join(to),
        subject=subject,
        body=body,
        html_body=html_body or "",
        calendar=calendar,
        calendar_method=calendar_method,
    )
    transaction.on_commit(lambda: deliver_email.enqueue(message.pk))
    return message


def language_of(*, user: Any = None, person: Person | None = None) -> str:
    """The language to write to someone in: the one they last chose on the site, else French.

    People without an account (a mentee referred but not yet signed in) get the default.
    To write to many people, ask `languages_of` once rather than this in a loop."""
    if user is None and person is not None:
        return languages_of([person])[person.pk]
    return _offered(getattr(user, "language", "") or "")


def languages_of(persons: Iterable[Person]) -> dict[int, str]:
    """`language_of` for many people in one query: {person id: language}, for every person given."""
    from binome.accounts.models import Role

    ids = {person.pk for person in persons}
    chosen: dict[int, str] = {}
    if ids:
        # A person may be linked to several accounts: the first by email (User's default ordering)
        # that chose a language speaks for them, so the answer never depends on row order.
        rows = (
            Role.objects.filter(person_id__in=ids)
            .exclude(user__language="")
            .order_by("user__email")
            .values_list("person_id", "user__language")
        )
        for person_id, language in rows:
            chosen.setdefault(person_id, language)
    return {pk: _offered(chosen.get(pk, "")) for pk in ids}


def _offered(chosen: str) -> str:
    """A language the site no longer offers (or none) falls back to the default."""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
