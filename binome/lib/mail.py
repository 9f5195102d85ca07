"""Email leaves through the background worker, never inside a web request."""

from __future__ import annotations

from typing import Any

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


def language_of(*, user: Any = None, person: Any = None) -> str:
    """The language to write to someone in: the one they last chose on the site, else French.

    People without an account (a mentee referred but not yet signed in) get the default."""
    from binome.accounts.models import User

    if user is None and person is not None:
        user = User.objects.filter(roles__person=person).exclude(language="").only("language").first()
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
