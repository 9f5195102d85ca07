"""Views of a person's file are recorded; staff see a person's access history; the trail is append-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from binome.audit.models import AuditEvent
from conftest import Cast

pytestmark = pytest.mark.django_db


def test_opening_a_person_file_records_who_looked(cast: Cast, client_for: Any) -> None:
    client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/", HTTP_ACCEPT_LANGUAGE="en")
    event = AuditEvent.objects.filter(verb="viewed", target_type="people.person").latest("pk")
    assert (event.actor, event.target_id, event.details["what"]) == (cast.amara, str(cast.chloe.person_id), "file")


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("ben_user", "/mentor/duos/{duo}/"),
        ("chloe_user", "/mentee/duos/{duo}/"),
        ("amara", "/staff/duos/{duo}/"),
    ],
)
def test_opening_a_duo_page_records_the_view(cast: Cast, client_for: Any, role: str, url: str) -> None:
    user = getattr(cast, role)
    response = client_for(user).get(url.format(duo=cast.paris_duo.pk))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        actor=user, verb="viewed", target_type="pairing.duo", target_id=str(cast.paris_duo.pk)
    ).exists()


def test_a_screening_page_and_a_partner_referral_page_record_the_view(cast: Cast, client_for: Any) -> None:
    referral = cast.chloe.person.referrals.first()
    assert referral is not None
    client_for(cast.amara).get(f"/staff/screening/{referral.pk}/")
    client_for(cast.farah).get(f"/partner/referrals/{referral.pk}/")
    viewers = set(
        AuditEvent.objects.filter(
            verb="viewed", target_type="sourcing.referral", target_id=str(referral.pk)
        ).values_list("actor__email", flat=True)
    )
    assert viewers == {cast.amara.email, cast.farah.email}


def test_the_access_history_lists_views_and_writes_of_the_file(cast: Cast, client_for: Any) -> None:
    client_for(cast.nadia).get(f"/staff/people/{cast.chloe.person_id}/")
    client_for(cast.ben_user).get(f"/mentor/duos/{cast.paris_duo.pk}/")
    response = client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/access/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert cast.nadia.email in page
    assert cast.ben_user.email in page
    assert f"pairing.duo #{cast.paris_duo.pk}" in page


def test_the_access_history_of_a_lyon_person_is_not_found_for_the_paris_coordinator(
    cast: Cast, client_for: Any
) -> None:
    assert client_for(cast.amara).get(f"/staff/people/{cast.leila.person_id}/access/").status_code == 404


def test_the_person_page_links_to_the_access_history(cast: Cast, client_for: Any) -> None:
    page = client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/").content.decode()
    assert f"/staff/people/{cast.chloe.person_id}/access/" in page


def test_no_audit_detail_carries_a_name_or_email(cast: Cast, client_for: Any) -> None:
    client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/")
    person = cast.chloe.person
    for details in AuditEvent.objects.values_list("details", flat=True):
        text = str(details)
        assert person.last_name not in text
        assert not person.email or person.email not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_update_or_delete_an_audit_row(cast: Cast) -> None:
    event = AuditEvent.objects.create(verb="viewed", target_type="people.person", target_id="1")
    for statement in (
        "UPDATE privacy_auditevent SET verb = 'x' WHERE id = %s",
        "DELETE FROM privacy_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert event.verb == "viewed"
