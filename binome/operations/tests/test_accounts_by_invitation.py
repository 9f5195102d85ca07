"""Issue 18, accounts by invitation: from the emailed link to a working dashboard with no dead end,
and the staff pages that create partners, referrers, company contacts and coordinators."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from binome.accounts.links import mark_email_verified
from binome.accounts.models import Role, User
from binome.operations.invitations import invite_to_role
from binome.operations.services import open_territory
from binome.organisations.models import Organisation
from binome.reference.models import Place
from conftest import Cast, queued_emails, totp_code

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TOURS = 2972191
NEW_PASSWORD = "Coordination-Tours-2027!"


@pytest.fixture(autouse=True)
def fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Service errors are asserted on their English source text; pages set their own language."""
    with translation.override("en"):
        yield


def link_in(address: str, part: str = "/invitation/") -> str:
    body = next(m.body for m in reversed(queued_emails(address)) if part in m.body)
    found = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert found is not None, body
    return found.group(1)


def current_code(secret: str) -> str:
    return totp_code(secret)


def test_an_invited_coordinator_goes_from_the_link_to_a_working_dashboard(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        open_territory(
            name="Tours",
            slug="tours",
            centre=Place.objects.get(pk=TOURS),
            radius_km=30,
            coordinator_emails=["new.coord@binome.test"],
            template=None,
            actor=cast.nadia,
        )
    url = link_in("new.coord@binome.test")
    accepted = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True, **EN)
    # Straight to the two-factor set-up: the address is verified and the password just typed counts.
    assert accepted.status_code == 200
    assert accepted.request["PATH_INFO"] == reverse("mfa_activate_totp")
    user = User.objects.get(email="new.coord@binome.test")
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert not EmailAddress.objects.filter(user=user, verified=False).exists()
    client.post(reverse("mfa_activate_totp"), {"code": current_code(client.session[SECRET_SESSION_KEY])}, **EN)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    dashboard = client.get(reverse("territories:dashboard"), follow=True, **EN)
    assert dashboard.status_code == 200
    assert dashboard.request["PATH_INFO"] == reverse("territories:territory", args=["tours"])


def test_an_unverified_address_leads_to_the_email_page_which_stays_open(cast: Cast, client: Any) -> None:
    # What allauth's password-reset token leaves behind (an unverified row for the account's address),
    # which made allauth refuse the set-up while the email page sent back to the set-up: a loop.
    EmailAddress.objects.create(user=cast.amara, email=cast.amara.email, primary=True, verified=False)
    client.force_login(cast.amara)
    landed = client.get(reverse("home"), follow=True, **EN)
    assert landed.status_code == 200
    assert landed.request["PATH_INFO"] == reverse("account_email")
    assert client.get(reverse("account_email"), **EN).status_code == 200
    # The verification link it sends again is reachable too (confirm-email pages are open).
    assert (
        client.post(reverse("account_email"), {"email": cast.amara.email, "action_send": ""}, **EN).status_code == 302
    )
    assert client.get(reverse("account_confirm_email", args=["unknown-key"]), **EN).status_code == 200
    EmailAddress.objects.filter(user=cast.amara).update(verified=True)
    assert client.get(reverse("home"), **EN)["Location"] == reverse("mfa_activate_totp")


def test_a_password_reset_verifies_the_only_address_of_the_account(
    cast: Cast, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": cast.amara.email}, **EN)
    url = link_in(cast.amara.email, "/accounts/password/reset/key/")
    form_page = client.get(url, follow=True, **EN)
    client.post(
        form_page.request["PATH_INFO"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True, **EN
    )
    assert EmailAddress.objects.filter(user=cast.amara, email=cast.amara.email, verified=True).exists()
    assert not EmailAddress.objects.filter(user=cast.amara, verified=False).exists()


# --- the staff pages ---------------------------------------------------------------------


def test_a_coordinator_creates_a_partner_with_its_first_referrer(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:partner_new"),
            {
                "name": "Secours Tourangeau",
                "kind": "ngo",
                "territory": cast.paris.pk,
                "referrer_email": "Sara@Secours.test",
                "referrer_first_name": "Sara",
            },
        )
    partner = Organisation.objects.get(name="Secours Tourangeau")
    assert response["Location"] == reverse("accounts:organisation_accounts", args=[partner.pk])
    assert (partner.kind, partner.territory) == ("ngo", cast.paris)
    sara = User.objects.get(email="sara@secours.test")
    assert Role.objects.filter(user=sara, kind=Role.Kind.REFERRER, organisation=partner).exists()
    assert "/invitation/" in queued_emails("sara@secours.test")[0].body
    page = client.get(response["Location"])
    assert b"sara@secours.test" in page.content


def test_a_coordinator_cannot_create_a_partner_in_another_territory(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        reverse("accounts:partner_new"), {"name": "Ailleurs", "kind": "ngo", "territory": cast.lyon.pk}
    )
    assert response.status_code == 400
    assert not Organisation.objects.filter(name="Ailleurs").exists()


def test_a_company_contact_is_invited_from_the_company_accounts_page(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation_accounts", args=[cast.boulangerie.pk]),
            {"email": "rh@boulangerie.test", "first_name": "Rose"},
        )
    assert response.status_code == 302
    rose = User.objects.get(email="rh@boulangerie.test")
    assert Role.objects.filter(user=rose, kind=Role.Kind.COMPANY_CONTACT, organisation=cast.boulangerie).exists()
    assert queued_emails("rh@boulangerie.test")


def test_a_bad_address_is_a_sentence_on_the_form(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        reverse("accounts:organisation_accounts", args=[cast.paris_ngo.pk]), {"email": "not an address"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"]


def test_a_wrong_role_for_the_scope_is_a_sentence_never_the_constraint_name(cast: Cast) -> None:
    with pytest.raises(ValidationError) as refused:
        invite_to_role("x@binome.test", kind=Role.Kind.COMPANY_CONTACT, organisation=cast.paris_ngo, actor=cast.amara)
    assert "is not a company" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        Role(user=cast.amara, kind=Role.Kind.COORDINATOR, organisation=cast.acme).full_clean()
    text = " ".join(refused.value.messages)
    assert "role_scope_matches_kind" not in text
    assert "territory they coordinate" in text


def test_re_inviting_an_existing_address_adds_the_role_instead_of_failing(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    mark_email_verified(cast.farah)
    with django_capture_on_commit_callbacks(execute=True):
        invited = invite_to_role(
            cast.farah.email.upper(), kind=Role.Kind.COMPANY_CONTACT, organisation=cast.acme, actor=cast.amara
        )
        again = invite_to_role(
            cast.farah.email, kind=Role.Kind.COMPANY_CONTACT, organisation=cast.acme, actor=cast.amara
        )
    assert invited.user == cast.farah
    assert not invited.created
    assert invited.role is not None
    assert again.already
    assert set(Role.objects.filter(user=cast.farah).values_list("kind", flat=True)) == {"referrer", "company_contact"}
    assert len(queued_emails(cast.farah.email)) == 2


def test_an_unproven_existing_account_gets_only_the_link(cast: Cast) -> None:
    invited = invite_to_role(cast.farah.email, kind=Role.Kind.COMPANY_CONTACT, organisation=cast.acme, actor=cast.amara)
    assert invited.role is None
    assert not Role.objects.filter(user=cast.farah, kind=Role.Kind.COMPANY_CONTACT).exists()


def test_resend_sends_a_new_invitation(cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    role = Role.objects.get(user=cast.farah)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.amara).post(reverse("accounts:resend_invitation", args=[role.pk]))
    assert response["Location"] == reverse("accounts:organisation_accounts", args=[cast.paris_ngo.pk])
    assert "/invitation/" in queued_emails(cast.farah.email)[0].body
    # Lyon's coordinator does not manage Paris's accounts.
    assert client_for(cast.lucie).post(reverse("accounts:resend_invitation", args=[role.pk])).status_code == 404


def test_a_national_admin_invites_a_coordinator_who_accepts(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.nadia).post(
            reverse("accounts:territory_coordinators", args=["lyon"]), {"email": "co.lyon@binome.test"}
        )
    user = User.objects.get(email="co.lyon@binome.test")
    assert Role.objects.filter(user=user, kind=Role.Kind.COORDINATOR, territory=cast.lyon).exists()
    client_for(None)
    url = link_in("co.lyon@binome.test")
    assert client_for(None).post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_staff_navigation_and_organisation_pages_link_to_accounts(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    assert reverse("accounts:accounts") in client.get(reverse("organisations:organisations")).content.decode()
    page = client.get(reverse("organisations:organisation", args=[cast.paris_ngo.pk])).content.decode()
    assert reverse("accounts:organisation_accounts", args=[cast.paris_ngo.pk]) in page


def test_the_role_admin_says_a_wrong_scope_in_a_sentence(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.nadia)
    url = reverse("admin:accounts_user_change", args=[cast.fiona.pk])
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in ("email", "first_name", "last_name", "language")
    }
    data.update(
        {
            "is_active": "on",
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-id": str(Role.objects.get(user=cast.fiona).pk),
            "roles-0-user": str(cast.fiona.pk),
            "roles-0-kind": "funder",
            "roles-1-user": str(cast.fiona.pk),
            "roles-1-kind": "coordinator",
            "roles-1-organisation": str(cast.acme.pk),
        }
    )
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "role_scope_matches_kind" not in text
    assert "A coordinator needs the territory they coordinate." in text
