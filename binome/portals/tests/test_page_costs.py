"""What the busiest pages cost: their number of queries is pinned (it must not grow with the rows
shown), and the encrypted fields a page does not show are not even read."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binome.meetings.models import Meeting
from binome.meetings.services import record_meeting
from binome.people.models import Person
from binome.people.services import create_mentee_profile, create_person
from binome.sourcing.models import Referral
from conftest import Cast


def _more_people(cast: Cast, n: int) -> None:
    for k in range(n):
        person = create_person(actor=None, first_name=f"Extra{k}", last_name="Person", territory=cast.paris)
        create_mentee_profile(
            person, actor=None, targets=["G1602", "M1805"], protection_status="refugee", french_level="A2"
        )
        Referral.objects.create(person=person, partner=cast.paris_ngo, reason=f"secret {k}")


def _queries(client: Any, url: str) -> tuple[Any, list[str]]:
    client.get(url)  # the first request of a session may write it: not what is counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in captured.captured_queries]


def test_the_people_list_costs_the_same_queries_for_3_or_13_people(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    _, few = _queries(client, reverse("people:people"))
    _more_people(cast, 10)
    response, many = _queries(client, reverse("people:people"))
    assert len(many) == len(few) <= 10
    body = response.content.decode()
    assert "Extra9 Person" in body
    assert "Leïla" not in body
    assert "secret" not in body
    # The list shows no referral reason nor protection status: neither is read, so neither decrypted.
    assert not any('"sourcing_referral"."reason"' in sql for sql in many)
    assert not any('"people_menteeprofile"."protection_status"' in sql for sql in many)


def test_a_mentees_file_reads_its_referrals_without_their_encrypted_reasons(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    Referral.objects.filter(pk=cast.chloe_referral.pk).update(status=Referral.Status.ELIGIBLE)
    response, queries = _queries(client, reverse("people:person", args=[cast.chloe.person_id]))
    assert len(queries) <= 13
    body = response.content.decode()
    assert cast.paris_ngo.name in body  # the referral's partner is shown
    assert str(Referral.Status.ELIGIBLE.label) in body
    assert not any('"sourcing_referral"."reason"' in sql for sql in queries)
    assert not any('"sourcing_referral"."status_reason"' in sql for sql in queries)
    # The protection status is shown, so it is read.
    assert any('"people_menteeprofile"."protection_status"' in sql for sql in queries)


def test_a_file_outside_the_coordinators_territory_is_still_not_found(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    assert client.get(reverse("people:person", args=[cast.leila.person_id])).status_code == 404


def test_the_mentee_home_counts_meetings_to_confirm_in_few_queries(cast: Cast, client_for: Any) -> None:
    for _ in range(2):
        record_meeting(
            cast.paris_duo,
            actor=cast.ben_user,
            author=Meeting.Author.MENTOR,
            held_on=cast.paris_duo.started_on,
            duration_minutes=60,
            mode="video",
            topics=["cv"],
        )
    client = client_for(cast.chloe_user)
    response, queries = _queries(client, reverse("mentee_portal"))
    assert len(queries) <= 9  # 8, and one for "your coordinator"
    assert response.context["to_confirm"] == [(cast.paris_duo.pk, 2)]
    # The meetings are counted on the duos the page read, not through a nested scoped subquery.
    counting = [sql for sql in queries if 'FROM "meetings_meeting"' in sql]
    assert len(counting) == 1
    assert "SELECT" not in counting[0].split("WHERE", 1)[1]


def test_the_mentor_home_waits_for_nothing_the_mentor_recorded(cast: Cast, client_for: Any) -> None:
    record_meeting(
        cast.paris_duo,
        actor=cast.ben_user,
        author=Meeting.Author.MENTOR,
        held_on=cast.paris_duo.started_on,
        duration_minutes=60,
        mode="video",
        topics=["cv"],
    )
    response, queries = _queries(client_for(cast.ben_user), reverse("mentor_portal"))
    assert response.context["to_confirm"] == []
    assert len(queries) <= 19  # 18, and one for "your coordinator"


def test_the_people_list_rows_say_who_is_who(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("people:people"))
    rows = {row.name: row for row in response.context["rows"]}
    ben = rows[cast.ben.person.full_name]
    assert cast.acme.name in ben.role
    assert ben.occupation.startswith("M1805 ")
    chloe = rows[cast.chloe.person.full_name]
    assert chloe.occupation == ""
    assert chloe.targets
    assert chloe.url == reverse("people:person", args=[cast.chloe.person_id])
    assert Person.objects.get(pk=cast.chloe.person_id).territory_id == cast.paris.pk
