"""Email leaves through the background worker, never inside a web request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task


@task()
def deliver_email(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def send_email(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Queue an email once the current transaction commits (nothing is sent for a rolled-back write)."""
    transaction.on_commit(lambda: deliver_email.enqueue(subject=subject, body=body, to=to, html_body=html_body))
