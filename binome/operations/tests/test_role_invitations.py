"""Issue #15, F4: a staff role goes only to an address proven by a link.

An enrolment link asks no proof of the address, so anyone may register a future coordinator's
address with a password of their own. Opening a territory must then not hand that account the
role: it emails the address a link, and the role comes when the link is followed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from binome.accounts.models import Role, User
from binome.operations.services import open_territory
from binome.reference.models import Place
from binome.sourcing.tests.enrolment_fixtures import GOOD_PASSWORD, enrolment_payload, link
from conftest import PASSWORD, Cast, queued_emails

pytestmark = pytest.mark.django_db
TOURS = 2972191
FUTURE = "future.coordinator@binome.test"
OWNER_PASSWORD = "Coordination-Tours-2027!"


@pytest.fixture(autouse=True)
def fresh_rate_limit() -> None:
    cache.clear()


def emails_to(address: str) -> list[str]:
    return [message.body for message in queued_emails(address)]


def link_in(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert found is not None, body
    return found.group(1)


def open_tours(actor: Any, captured: Any, emails: list[str]) -> Any:
    with captured(execute=True):
        return open_territory(
            name="Tours",
            slug="tours",
            centre=Place.objects.get(pk=TOURS),
            radius_km=30,
            coordinator_emails=emails,
            template=None,
            actor=actor,
        )


def attacker_pre_registers(cast: Cast, client: Any, captured: Any) -> None:
    with captured(execute=True):
        client.post(
            reverse("sourcing:join", args=[link(cast.acme).token]),
            enrolment_payload(
                **{"account-email": FUTURE, "account-password1": GOOD_PASSWORD, "account-password2": GOOD_PASSWORD}
            ),
        )
    client.logout()
    assert User.objects.filter(email=FUTURE).exists()


def test_F4_a_pre_registered_address_gets_an_invitation_not_the_coordinator_role(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    attacker_pre_registers(cast, client, django_capture_on_commit_callbacks)

    opened = open_tours(cast.nadia, django_capture_on_commit_callbacks, [FUTURE])

    squatted = User.objects.get(email=FUTURE)
    assert not Role.objects.filter(user=squatted, kind=Role.Kind.COORDINATOR).exists()
    assert [u.email for u in opened.invited] == [FUTURE]
    # The attacker, signing in with the password they chose, opens nothing of Tours.
    client.login(email=FUTURE, password=GOOD_PASSWORD)
    assert client.get(reverse("territories:checklist", args=["tours"])).status_code != 200
    invitation = [body for body in emails_to(FUTURE) if "/invitation/" in body]
    assert len(invitation) == 1


def test_F4_the_owner_of_the_address_follows_the_link_chooses_a_password_and_becomes_coordinator(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    attacker_pre_registers(cast, client, django_capture_on_commit_callbacks)
    open_tours(cast.nadia, django_capture_on_commit_callbacks, [FUTURE])
    url = link_in(next(body for body in emails_to(FUTURE) if "/invitation/" in body))

    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"new_password1": OWNER_PASSWORD, "new_password2": OWNER_PASSWORD})

    assert response.status_code == 302
    owner = User.objects.get(email=FUTURE)
    assert Role.objects.filter(user=owner, kind=Role.Kind.COORDINATOR, territory__slug="tours").exists()
    assert owner.is_active
    assert owner.check_password(OWNER_PASSWORD)
    assert not owner.check_password(GOOD_PASSWORD)  # the attacker's password is gone
    assert EmailAddress.objects.filter(user=owner, email=FUTURE, verified=True).exists()
    # The link is used up.
    client.logout()
    assert client.get(url).status_code == 404


def test_F4_an_invited_account_signed_in_accepts_without_a_new_password(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    opened = open_tours(cast.nadia, django_capture_on_commit_callbacks, [cast.amara.email])
    assert [u.email for u in opened.invited] == [cast.amara.email]  # her address was never proven
    url = link_in(next(body for body in emails_to(cast.amara.email) if "/invitation/" in body))

    client = client_for(cast.amara)
    assert client.get(url).context["form"] is None
    assert client.post(url).status_code == 302
    assert Role.objects.filter(user=cast.amara, kind=Role.Kind.COORDINATOR, territory__slug="tours").exists()
    cast.amara.refresh_from_db()
    assert cast.amara.check_password(PASSWORD)  # the password was not touched
    assert EmailAddress.objects.filter(user=cast.amara, verified=True).exists()


def test_F4_someone_else_signed_in_cannot_accept_for_the_invited_account(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    open_tours(cast.nadia, django_capture_on_commit_callbacks, [cast.amara.email])
    url = link_in(next(body for body in emails_to(cast.amara.email) if "/invitation/" in body))
    client = client_for(cast.lucie)
    client.post(url)  # no password given: nothing to accept
    assert not Role.objects.filter(territory__slug="tours").exists()


def test_F4_a_forged_or_tampered_invitation_link_is_not_found(cast: Cast, client: Any) -> None:
    assert client.get("/invitation/not-a-token/").status_code == 404
    assert client.post("/invitation/not-a-token/", {"new_password1": "x", "new_password2": "x"}).status_code == 404


def test_F4_the_command_says_who_was_invited(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "open_territory",
            "--name=Tours",
            "--slug=tours",
            "--centre=Tours",
            f"--coordinator={cast.amara.email}",
            stdout=out,
        )
    assert f"invitation sent to {cast.amara.email}" in out.getvalue()
    assert not Role.objects.filter(territory__slug="tours").exists()
