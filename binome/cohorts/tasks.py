"""Workshop emails used to be queued here with their text and .ics in the task's arguments.

They now go through `binome.lib.mail` like every email (the text waits encrypted in
OutgoingMessage, the task carries its id, and the outgoing messages page shows it). The task
stays so that rows queued before the change still run."""

from __future__ import annotations

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task()
def deliver_calendar_email(subject: str, body: str, to: list[str], ics: str, method: str) -> int:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
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
