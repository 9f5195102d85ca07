"""Email leaves through the background worker, never inside a web request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task

if TYPE_CHECKING:
    from binome.people.models import Person


@task()
def deliver_email(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def send_email(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Queue an email once the current transaction commits (nothing is sent for a rolled-back write)."""
    transaction.on_commit(lambda: deliver_email.enqueue(subject=subject, body=body, to=to, html_body=html_body))


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
