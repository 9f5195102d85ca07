"""Email leaves through the background worker, never inside a web request.

The message itself waits in `OutgoingMessage` (encrypted at rest, see binome/lib/models.py); the
task carries only its id, so no task row ever holds a password-reset link, a survey link, an
address or a name. The worker wipes the message once it is sent.

Which language to write in is the people app's (binome/people/languages.py): it reads their accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from binome.lib.locks import when_unlocked
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

    A refusal by the mail server marks the message failed (with the server's answer) for the
    outgoing messages page, which can send it again; the task fails too. A locked database is not
    a failure: the worker (binome/lib/worker.py) runs the task again later.

    The other arguments are this task's former signature: rows queued before the upgrade still run.
    """
    if not message_id:
        return _send(subject=subject, body=body, to=to or [], html_body=html_body or "")
    message = OutgoingMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return 0
    try:
        sent = _send(
            subject=message.subject,
            body=message.body,
            to=message.recipients,
            html_body=message.html_body,
            calendars=message.calendars,
            calendar_method=message.calendar_method,
        )
    except Exception as error:
        message.failed_at = timezone.now()
        message.error = f"{type(error).__name__}: {error}"[:500]
        message.attempts += 1
        when_unlocked(lambda: message.save(update_fields=["failed_at", "error", "attempts"]))
        raise
    # No lock is held while the mail server answers (on SQLite a write lock would stop the web
    # process); the task backend already gives each task to one worker only. The receipt is written
    # in its own short transaction, retried while the database is busy: running the task again
    # would send the email twice.
    message.wipe()
    message.sent_at = timezone.now()
    message.failed_at = None
    message.attempts += 1
    fields = ["to", "subject", "body", "html_body", "calendar", "error", "sent_at", "failed_at", "attempts"]
    when_unlocked(lambda: message.save(update_fields=fields))
    return sent


def _send(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str = "",
    calendars: list[str] | None = None,
    calendar_method: str = "",
) -> int:
    if not to:
        return 0
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    calendars = calendars or []
    for number, calendar in enumerate(calendars, start=1):
        # text/calendar with its METHOD parameter: what mail clients look for to offer "add to calendar".
        part = MIMEPart()
        part.set_content(
            calendar,
            subtype="calendar",
            charset="utf-8",
            params={"method": calendar_method},
            disposition="attachment",
            filename="invitation.ics" if len(calendars) == 1 else f"invitation-{number}.ics",
        )
        message.attach(part)
    return message.send()


def enqueue_messages(ids: list[int]) -> None:
    """Queue the delivery of these messages in one short write (one transaction for all the task
    rows, not one each), retried while the database is busy."""
    if not ids:
        return

    def enqueue() -> None:
        with transaction.atomic():
            for pk in ids:
                deliver_email.enqueue(pk)

    when_unlocked(enqueue)


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
    territory_id: int | None = None,
) -> OutgoingMessage:
    """Queue an email once the current transaction commits (nothing is sent for a rolled-back write).

    `person_id`: the person the email is to, `about_person_id`: the person it speaks of, `user_id`:
    the account it is to, when known; erasing either person deletes the message and its task record.
    `calendar`: one or more .ics attachments, VCALENDAR objects one after the other (with their
    METHOD, "REQUEST" or "CANCEL"). `territory_id`: whose staff see it on the outgoing messages page."""
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
        territory_id=territory_id,
    )
    transaction.on_commit(lambda: enqueue_messages([message.pk]))
    return message


@dataclass(frozen=True)
class Email:
    """One email to queue with `queue_emails` (the arguments of `send_email`)."""

    subject: str
    body: str
    to: list[str]
    person_id: int | None = None
    about_person_id: int | None = None
    user_id: int | None = None
    calendar: str = ""
    calendar_method: str = ""
    territory_id: int | None = None


def queue_emails(emails: list[Email]) -> list[OutgoingMessage]:
    """`send_email` for many at once, in one short write: render every email before calling this,
    outside any long transaction (on SQLite a write transaction stops every other writer)."""
    if not emails:
        return []
    rows = [
        OutgoingMessage(
            person_id=email.person_id,
            about_person_id=email.about_person_id,
            user_id=email.user_id,
            to="\n".join(email.to),
            subject=email.subject,
            body=email.body,
            calendar=email.calendar,
            calendar_method=email.calendar_method,
            territory_id=email.territory_id,
        )
        for email in emails
    ]
    with transaction.atomic():
        created = OutgoingMessage.objects.bulk_create(rows)
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: enqueue_messages(ids))
    return created
