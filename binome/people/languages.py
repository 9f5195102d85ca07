"""The language to write to someone in: the one they last chose on the site (their account's), else
the default. Read by every app that sends email to people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from binome.accounts.models import Role
from binome.people.models import Person


def language_of(*, user: Any = None, person: Person | None = None) -> str:
    """The language to write to someone in: the one they last chose on the site, else French.

    People without an account (a mentee referred but not yet signed in) get the default.
    To write to many people, ask `languages_of` once rather than this in a loop."""
    if user is None and person is not None:
        return languages_of([person])[person.pk]
    return _offered(getattr(user, "language", "") or "")


def languages_of(persons: Iterable[Person]) -> dict[int, str]:
    """`language_of` for many people in one query: {person id: language}, for every person given."""
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
