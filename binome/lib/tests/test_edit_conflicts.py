"""Two staff members editing the same file: the second save is refused with what changed, never
a silent overwrite."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from binome.people.models import Person
from binome.portals.tests.people.test_people_pages import _edit_payload
from conftest import Cast, give_second_factor, pass_second_factor

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def signed_in(user: Any) -> Client:
    give_second_factor(user)
    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client


def version_on(page: Any) -> str:
    found = re.search(r'name="version" value="([^"]+)"', page.content.decode())
    assert found, "the edit page carries no version"
    return found.group(1)


def test_a_stale_save_is_refused_and_shows_what_the_other_person_changed(cast: Cast) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    amara, nadia = signed_in(cast.amara), signed_in(cast.nadia)
    amara_version = version_on(amara.get(url, **EN))
    nadia_version = version_on(nadia.get(url, **EN))

    saved = nadia.post(url, {**_edit_payload(cast, first_name="Chloe-Marie"), "version": nadia_version}, **EN)
    assert saved.status_code == 302

    with translation.override("en"):
        stale = amara.post(url, {**_edit_payload(cast, phone="07 00 00 00 00"), "version": amara_version}, **EN)
    assert stale.status_code == 200
    page = stale.content.decode()
    assert "Someone else changed this file while you were editing it" in page
    assert "First name: Chloe-Marie" in page
    person = Person.objects.get(pk=cast.chloe.person_id)
    assert person.first_name == "Chloe-Marie"  # Nadia's change stands
    assert person.phone == "06 11 22 33 44"  # Amara's was not written over it

    # The re-rendered form holds the current version: saving again is a deliberate choice, and works.
    again = amara.post(
        url, {**_edit_payload(cast, first_name="Chloe-Marie", phone="07 00 00 00 00"), "version": version_on(stale)}
    )
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.phone) == ("Chloe-Marie", "07 00 00 00 00")


def test_saving_from_a_fresh_page_is_not_a_conflict(cast: Cast) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    amara = signed_in(cast.amara)
    version = version_on(amara.get(url, **EN))
    assert amara.post(url, {**_edit_payload(cast, phone="07 11 11 11 11"), "version": version}).status_code == 302
    # The same page, saved twice: the second save sees the first one as a change made meanwhile.
    second = amara.post(url, {**_edit_payload(cast, phone="07 22 22 22 22"), "version": version}, **EN)
    assert second.status_code == 200
    assert Person.objects.get(pk=cast.chloe.person_id).phone == "07 11 11 11 11"


def test_a_forged_version_counts_as_a_conflict(cast: Cast) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    response = signed_in(cast.amara).post(url, {**_edit_payload(cast, phone="07 33"), "version": "forged"}, **EN)
    assert response.status_code == 200
    assert Person.objects.get(pk=cast.chloe.person_id).phone == "06 11 22 33 44"


def test_a_referral_moved_by_someone_else_meanwhile_is_not_moved_again(cast: Cast) -> None:
    from binome.people.services import create_person
    from binome.sourcing.models import Referral

    person = create_person(actor=None, first_name="Sami", last_name="Kaci", territory=cast.paris)
    referral = Referral.objects.create(person=person, partner=cast.paris_ngo, status=Referral.Status.RECEIVED)
    url = reverse("sourcing:screening_referral", args=[referral.pk])
    amara, nadia = signed_in(cast.amara), signed_in(cast.nadia)
    amara_version = version_on(amara.get(url, **EN))
    nadia_version = version_on(nadia.get(url, **EN))

    assert nadia.post(url, {"to_status": "contacted", "version": nadia_version}).status_code == 302
    with translation.override("en"):
        stale = amara.post(url, {"to_status": "waitlisted", "version": amara_version}, **EN)
    assert stale.status_code == 200
    assert "Someone else moved this referral to “Contacted” meanwhile" in stale.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CONTACTED
    assert referral.transitions.count() == 1
