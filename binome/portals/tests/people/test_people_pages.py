from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from binome.audit.models import AuditEvent
from binome.people.models import MenteeProfile, Person
from binome.people.services import create_mentee_profile, create_person
from binome.sourcing.models import Referral
from conftest import Cast


def _edit_payload(cast: Cast, **changes: str) -> dict[str, Any]:
    payload = {
        "first_name": "Chloé",
        "last_name": "Haddad",
        "email": "chloe@example.org",
        "phone": "06 11 22 33 44",
        "gender": "female",
        "date_of_birth": "1994-05-02",
        "country_of_origin": "SY",
        "protection_status": "refugee",
        "right_to_work": "on",
        "arrival_date": "2022-01-10",
        "french_level": "B1",
        "home": "Paris (Île-de-France) #2988507",
        "target_1": "M1805 · Développeur / Développeuse informatique",
        "target_2": "",
        "target_3": "",
        "education_level": "master",
        "work_experience": "",
        "meeting_mode": "either",
        "availability": ["mon_am", "sat_pm"],
    }
    payload.update(changes)
    return payload


def test_the_territory_dashboard_shows_real_counts(
    cast: Cast, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        person = create_person(actor=None, first_name=f"Test{n}", last_name="Person", territory=cast.paris)
        create_mentee_profile(person, actor=None, targets=["G1602"], protection_status="refugee", french_level="A2")
        Referral.objects.create(person=person, partner=cast.paris_ngo, status=Referral.Status.RECEIVED)
    from binome.meetings.models import Alert, Meeting
    from binome.meetings.services import confirm_meeting, record_meeting

    today = timezone.localdate()
    meeting = record_meeting(
        cast.paris_duo,
        actor=cast.ben_user,
        author=Meeting.Author.MENTOR,
        held_on=today,
        duration_minutes=60,
        mode="video",
        topics=["cv"],
    )
    confirm_meeting(meeting, actor=cast.chloe_user, as_role=Meeting.Author.MENTEE)  # counted: the other member
    Alert.objects.create(duo=cast.paris_duo, kind=Alert.Kind.MISSED_WORKSHOPS, raised_on=today)
    Alert.objects.create(duo=cast.lyon_duo, kind=Alert.Kind.SILENCE, raised_on=today)  # Lyon's: not counted
    from binome.events import services as events

    event = events.create_event(
        company=cast.acme,
        kind="awareness",
        title="Sensibilisation",
        starts_at=timezone.now() + timedelta(hours=1),
        duration_minutes=60,
        format="in_person",
        place="Acme",
        capacity=10,
        actor=cast.amara,
    )
    events.register(event, cast.ben.person, actor=cast.amara)
    client = client_for(cast.amara)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("territories:territory", args=["paris"]))
    board = response.context["board"]
    assert board.alerts == 1
    assert {t.value: t.count for t in board.alerts_by_kind}["missed_workshops"] == 1
    assert board.meetings_last_30_days == 1
    assert (board.events_this_year.events, board.events_this_year.employees_registered) == (1, 1)
    assert board.mentees == 4
    assert board.mentors == 1
    assert {t.value: t.count for t in board.referrals_by_status}["received"] == 3
    assert {t.value: t.count for t in board.referrals_by_status}["matched"] == 1
    assert board.duos == 1


def test_a_coordinator_with_one_territory_lands_on_its_dashboard(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("territories:dashboard"))
    assert response["Location"] == reverse("territories:territory", args=["paris"])


def test_the_people_list_filters_and_keeps_a_fixed_query_count(
    cast: Cast, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        person = create_person(actor=None, first_name=f"Extra{n}", last_name="Mentee", territory=cast.paris)
        create_mentee_profile(
            person, actor=None, targets=["G1602", "M1805"], protection_status="refugee", french_level="A2"
        )
    client = client_for(cast.amara)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:people"), {"kind": "mentee"})
    assert response.context["page"].paginator.count == 31
    response = client.get(reverse("people:people"), {"kind": "mentee", "french_level": "B1"})
    assert [p.pk for p in response.context["page"]] == [cast.chloe.person_id]
    response = client.get(reverse("people:people"), {"q": "hadd"})
    assert [p.pk for p in response.context["page"]] == [cast.chloe.person_id]
    response = client.get(reverse("people:people"), {"kind": "mentor", "domain": "M"})
    assert [p.pk for p in response.context["page"]] == [cast.ben.person_id]


def test_the_people_list_answers_htmx_with_the_rows_only(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("people:people"), {"q": "Chlo"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Chloé Haddad" in body
    assert "<html" not in body


def test_a_bad_filter_value_is_ignored_not_a_crash(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).get(reverse("people:people"), {"territory": "abc", "status": "nonsense"})
    assert response.status_code == 200


def test_editing_a_mentee_file_saves_and_names_who_acted(cast: Cast, client_for: Any) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    response = client_for(cast.amara).post(
        url, _edit_payload(cast, target_2="G1602", french_level="B2", home="Lyon (Auvergne-Rhône-Alpes) #2996944")
    )
    assert response.status_code == 302
    profile = MenteeProfile.objects.get(pk=cast.chloe.pk)
    assert profile.french_level == "B2"
    assert profile.home_id == 2996944
    assert sorted(profile.target_occupations.values_list("code", flat=True)) == ["G1602", "M1805"]
    assert profile.availability == ["mon_am", "sat_pm"]
    person = Person.objects.get(pk=cast.chloe.person_id)
    assert person.updated_by == cast.amara
    event = AuditEvent.objects.filter(verb="updated").latest("pk")
    assert event.actor == cast.amara
    assert set(event.details["fields"]) >= {"french_level", "home", "target_occupations"}
    assert "B2" not in str(event.details)  # names of fields only, never the values


def test_a_bad_edit_re_renders_with_messages_and_saves_nothing(cast: Cast, client_for: Any) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    response = client_for(cast.amara).post(
        url,
        _edit_payload(
            cast,
            first_name="",
            target_1="Z9999 nonsense",
            home="Atlantis",
            date_of_birth="31/02/1990",
            french_level="B2",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"first_name", "target_1", "home", "date_of_birth"}
    assert "Atlantis" in response.content.decode()  # what was typed is kept
    assert MenteeProfile.objects.get(pk=cast.chloe.pk).french_level == "B1"
    assert not AuditEvent.objects.filter(verb="updated", actor=cast.amara).exists()


def test_the_same_target_twice_is_refused(cast: Cast, client_for: Any) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    response = client_for(cast.amara).post(url, _edit_payload(cast, target_2="M1805"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_lyon_coordinator_cannot_edit_a_paris_file(cast: Cast, client_for: Any) -> None:
    url = reverse("people:person_edit", args=[cast.chloe.person_id])
    response = client_for(cast.lucie).post(url, _edit_payload(cast, french_level="C2"))
    assert response.status_code == 404
    assert MenteeProfile.objects.get(pk=cast.chloe.pk).french_level == "B1"


def test_organisation_pages_list_mentors_and_referrals(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    assert "Ben Durand" in client.get(reverse("organisations:organisation", args=[cast.acme.pk])).content.decode()
    assert (
        "Chloé Haddad" in client.get(reverse("organisations:organisation", args=[cast.paris_ngo.pk])).content.decode()
    )
    listing = client.get(reverse("organisations:organisations"), {"kind": "company"}).content.decode()
    assert "Acme" in listing
    assert "Rhône Data" not in listing  # a Lyon company
