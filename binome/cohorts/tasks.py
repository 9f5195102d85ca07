"""Workshop emails carry an .ics attachment, which `binome.lib.mail.send_email` cannot."""

from __future__ import annotations

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task


@task()
def deliver_calendar_email(subject: str, body: str, to: list[str], ics: str, method: str) -> int:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    # text/calendar with its METHOD parameter: what mail clients look for to offer "add to calendar".
    part = MIMEPart()
    part.set_content(
        ics,
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        disposition="attachment",
        filename="invitation.ics",
    )
    message.attach(part)
    return message.send()


def send_calendar_email(*, subject: str, body: str, to: list[str], ics: str, method: str) -> None:
    """Queue the email once the current transaction commits."""
    transaction.on_commit(
        lambda: deliver_calendar_email.enqueue(subject=subject, body=body, to=to, ics=ics, method=method)
    )
