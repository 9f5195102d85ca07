"""'Your coordinator' on the mentee's and mentor's home pages, and the contact the coordinator sets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.territories.models import TerritoryContact
from conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_coordinator_sets_the_line_her_mentees_see_and_they_find_it_on_their_phone(
    cast: Cast, client_for: Any
) -> None:
    coordinator = client_for(cast.amara)
    url = reverse("territories:contact", args=[cast.paris.slug])
    refused = coordinator.post(url, {"phone": "call me", "email": "not an address"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'id="error-summary"' in page
    assert "Saisissez un numéro de téléphone" in page
    assert not TerritoryContact.objects.exists()  # nothing saved

    saved = coordinator.post(url, {"phone": "01 84 60 00 00", "email": "paris@binome.test"})
    assert saved.status_code == 302
    contact = TerritoryContact.objects.get(territory=cast.paris)
    assert (contact.phone, contact.email) == ("01 84 60 00 00", "paris@binome.test")
    assert AuditEvent.objects.filter(actor=cast.amara, verb="updated", target_id=str(contact.pk)).exists()

    for member in (cast.chloe_user, cast.ben_user):
        home = client_for(member).get(reverse("home"), follow=True).content.decode()
        card = home[home.index('id="your-coordinator"') :]
        assert 'href="tel:0184600000"' in card
        assert "paris@binome.test" in card
        assert cast.amara.email in card or cast.amara.get_full_name() in card  # her name (or address)


def test_the_card_without_a_team_line_gives_the_coordinators_addresses(cast: Cast, client_for: Any) -> None:
    home = client_for(cast.chloe_user).get(reverse("home"), follow=True).content.decode()
    card = home[home.index('id="your-coordinator"') :]
    assert f'href="mailto:{cast.amara.email}"' in card
    assert "tel:" not in card


def test_a_coordinator_cannot_set_another_territorys_contact(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        reverse("territories:contact", args=[cast.lyon.slug]), {"phone": "01 00 00 00 00"}
    )
    assert response.status_code == 404
    assert not TerritoryContact.objects.filter(territory=cast.lyon).exists()
