"""The processing register page and the breach register (national admins)."""

from __future__ import annotations

from typing import Any

import pytest

from binome.audit.models import AuditEvent
from binome.privacy.models import Breach
from binome.sourcing.models import Consent, ConsentText
from conftest import Cast

pytestmark = pytest.mark.django_db


def test_the_register_page_lists_fields_and_consent_versions(cast: Cast, client_for: Any) -> None:
    text = ConsentText.objects.create(
        version="v2026-1", in_force_from="2026-01-01", body_fr="a", body_en="b", body_ar="c"
    )
    Consent.objects.create(person=cast.chloe.person, text=text, given_on="2026-02-01", method="online")
    page = client_for(cast.nadia).get("/staff/privacy/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "v2026-1" in page
    assert "protection status" in page
    assert "Sensitive (encrypted at rest)" in page
    csv = client_for(cast.nadia).get("/staff/privacy/register/?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert csv["Content-Type"].startswith("text/csv")
    assert b"people.MenteeProfile,mentee profile,protection_status" in csv.content


def test_a_national_admin_records_a_breach(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.nadia)
    form = {
        "occurred_on": "2026-10-01",
        "discovered_on": "2026-10-02",
        "nature": "Laptop stolen",
        "categories": "Names, phone numbers",
        "people_affected": "40",
        "consequences": "Possible contact by strangers",
        "measures": "Disk encrypted; passwords reset",
        "notified_to_cnil": "on",
        "cnil_notified_on": "",
    }
    response = client.post("/staff/privacy/breaches/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # notified without a date: the form says so
    assert "Give the date the CNIL was notified." in response.content.decode()
    assert not Breach.objects.exists()
    response = client.post("/staff/privacy/breaches/", form | {"cnil_notified_on": "2026-10-03"})
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert (breach.people_affected, breach.recorded_by) == (40, cast.nadia)
    assert AuditEvent.objects.filter(verb="recorded breach", target_id=str(breach.pk)).exists()
    assert "Laptop stolen" in client.get("/staff/privacy/breaches/").content.decode()


def test_coordinators_cannot_open_the_registers(cast: Cast, client_for: Any) -> None:
    assert client_for(cast.amara).get("/staff/privacy/breaches/").status_code == 403
    assert client_for(cast.amara).get("/staff/privacy/register/").status_code == 403
