"""Issue 18: every mentee and mentor has an account once their duo is formed, invited in their
language; a mentee without email signs in through the connection link her coordinator hands over."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from binome.accounts import links
from binome.accounts.models import Role, User
from binome.pairing import services
from binome.people.models import Person
from binome.people.services import update_mentee_file
from conftest import Cast, queued_emails

from .conftest import Autumn

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2027!"


@pytest.fixture(autouse=True)
def fresh_rate_limit() -> None:
    cache.clear()


def link_in(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert found is not None, body
    return found.group(1)


def test_forming_a_duo_gives_the_mentee_an_account_and_an_invitation_in_her_language(
    cast: Cast, autumn: Autumn, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile = autumn.samir
    profile.french_level = "A2"  # a beginner in French who speaks Arabic: written to in Arabic
    profile.save(update_fields=["french_level"])
    with django_capture_on_commit_callbacks(execute=True):
        services.create_duo(autumn.cohort, profile, autumn.ines, started_on=date(2026, 12, 22), actor=cast.amara)

    user = User.objects.get(email="samir@mentee.test")
    assert Role.objects.filter(user=user, kind=Role.Kind.MENTEE, person=profile.person).exists()
    assert not user.has_usable_password()
    invitation = next(m for m in queued_emails("samir@mentee.test") if "/invitation/" in m.body)
    assert invitation.subject == "Binôme: حسابك جاهز"
    assert "مرحبًا Samir" in invitation.body
    # The mentor has an account too (here a new one; one who enrolled keeps theirs).
    assert Role.objects.filter(kind=Role.Kind.MENTOR, person=autumn.ines.person).exists()

    response = client.post(link_in(invitation.body), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("mentee_portal")).status_code == 200


def test_a_member_who_has_an_account_keeps_it(cast: Cast, autumn: Autumn) -> None:
    existing = User.objects.create_user(email="other@binome.test", password=PASSWORD)
    Role.objects.create(user=existing, kind=Role.Kind.MENTOR, person=autumn.ines.person)
    services.create_duo(autumn.cohort, autumn.samir, autumn.ines, started_on=date(2026, 12, 22), actor=cast.amara)
    assert list(Role.objects.filter(person=autumn.ines.person).values_list("user", flat=True)) == [existing.pk]


def test_a_mentee_without_email_signs_in_from_the_handed_over_link_then_resets_once_she_has_one(
    cast: Cast, autumn: Autumn, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = autumn.yara.person
    Person.objects.filter(pk=person.pk).update(email="")
    person.refresh_from_db()
    services.create_duo(autumn.cohort, autumn.yara, autumn.omar, started_on=date(2026, 12, 22), actor=cast.amara)
    account = User.objects.get(roles__person=person, roles__kind=Role.Kind.MENTEE)
    assert links.is_placeholder(account.email)
    assert not [m for m in queued_emails() if links.NO_EMAIL_DOMAIN in " ".join(m.recipients)]

    staff = client_for(cast.amara)
    page = staff.get(reverse("accounts:person_account", args=[person.pk]))
    assert page.status_code == 200
    url = page.context["link"]
    assert "/connect/" in url
    assert b"<svg" in page.content
    assert client_for(cast.lucie).get(reverse("accounts:person_account", args=[person.pk])).status_code == 404

    mentee = client_for(None)
    assert mentee.get(link_in(url)).status_code == 200
    assert mentee.post(link_in(url), {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302
    assert mentee.get(reverse("mentee_portal")).status_code == 200
    assert client_for(None).get(link_in(url)).status_code == 404  # used up

    # Her coordinator adds her address: the account takes it, and a password reset reaches her.
    update_mentee_file(
        person, actor=cast.amara, person_fields={"email": "yara@example.org"}, profile_fields={}, targets=["D1102"]
    )
    account.refresh_from_db()
    assert account.email == "yara@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(None).post(reverse("account_reset_password"), {"email": "yara@example.org"})
    assert any("/accounts/password/reset/key/" in m.body for m in queued_emails("yara@example.org"))


def test_a_coordinator_creates_the_account_of_a_mentee_from_her_file(
    cast: Cast, autumn: Autumn, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.amara).post(reverse("accounts:person_account", args=[autumn.mina.person_id]))
    assert response.status_code == 302
    assert Role.objects.filter(kind=Role.Kind.MENTEE, person=autumn.mina.person, user__email="mina@mentee.test")
    assert any("/invitation/" in m.body for m in queued_emails("mina@mentee.test"))
