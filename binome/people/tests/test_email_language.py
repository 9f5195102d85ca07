"""Emails are written in the language the person last chose on the site (French otherwise)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from binome.accounts.models import Role, User
from binome.pairing.tasks import notify_new_duos
from binome.people.languages import language_of, languages_of
from binome.people.models import Person
from binome.people.services import create_person
from conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_choosing_a_language_on_the_site_is_remembered_and_emails_follow_it(cast: Cast, client_for: Any) -> None:
    assert language_of(person=cast.chloe.person) == "fr"  # nobody chose yet: the default
    client_for(cast.chloe_user).post("/i18n/setlang/", {"language": "ar", "next": "/mentee/"})
    cast.chloe_user.refresh_from_db()
    assert cast.chloe_user.language == "ar"
    assert language_of(person=cast.chloe.person) == "ar"

    assert notify_new_duos.call([cast.paris_duo.pk]) == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[cast.chloe.person.email] == "Binôme: لديك مرشد"  # the mentee chose Arabic
    assert "Binôme :" in subjects[cast.ben.person.email]  # the mentor did not choose: French


def test_an_unknown_language_is_ignored(cast: Cast, client_for: Any) -> None:
    client_for(cast.chloe_user).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    cast.chloe_user.refresh_from_db()
    assert cast.chloe_user.language == ""
    assert client_for(None).post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def _account(email: str, person: Person, *, language: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, language=language)
    Role.objects.create(user=user, kind=Role.Kind.MENTEE, person=person)
    return user


def test_the_languages_of_several_people_come_from_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    cast.chloe_user.language = "ar"
    cast.chloe_user.save(update_fields=["language"])
    cast.ben_user.language = "en"
    cast.ben_user.save(update_fields=["language"])
    # Dev has an account but never chose; Sami was referred and has no account at all.
    sami = create_person(actor=None, first_name="Sami", last_name="Referred", territory=cast.paris)
    people = [cast.chloe.person, cast.ben.person, cast.dev.person, sami]

    with django_assert_num_queries(1):
        languages = languages_of(people)

    assert languages == {cast.chloe.person.pk: "ar", cast.ben.person.pk: "en", cast.dev.person.pk: "fr", sami.pk: "fr"}
    assert languages == {person.pk: language_of(person=person) for person in people}  # one rule for both


def test_nobody_to_write_to_costs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert languages_of([]) == {}


def test_with_two_accounts_the_first_by_email_that_chose_speaks_for_the_person(cast: Cast) -> None:
    # A stored language the site no longer offers falls back to French, not to the other account's.
    cast.leila_user.language = "ar"
    cast.leila_user.save(update_fields=["language"])
    second = _account("aa-second@example.org", cast.leila.person, language="en")
    assert languages_of([cast.leila.person]) == {cast.leila.person.pk: "en"}
    assert language_of(person=cast.leila.person) == "en"
    User.objects.filter(pk=second.pk).update(language="xx")
    assert languages_of([cast.leila.person]) == {cast.leila.person.pk: "fr"}
    assert language_of(person=cast.leila.person) == "fr"
