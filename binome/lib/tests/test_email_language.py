"""Emails are written in the language the person last chose on the site (French otherwise)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from binome.lib.mail import language_of
from binome.pairing.tasks import notify_new_duos
from conftest import Cast

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
