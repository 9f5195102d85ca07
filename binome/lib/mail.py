"""Email leaves through the background worker, never inside a web request.

The message itself waits in `OutgoingMessage` (encrypted at rest, see binome/lib/models.py); the
task carries only its id, so no task row ever holds a password-reset link, a survey link, an
address or a name. The worker wipes the message once it is sent.

Which language to write in is the people app's (binome/people/languages.py): it reads their accounts.
"""

from __future__ import annotations

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from binome.lib.models import OutgoingMessage


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
