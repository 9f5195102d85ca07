from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.events import selectors, services
from binome.events.models import CompanyEvent, EventRegistration
from binome.people.services import create_mentee_profile, create_person
from conftest import Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _event(cast: Cast, *, company: Any = None, capacity: int = 2, when: datetime | None = None) -> CompanyEvent:
    return services.create_event(
        company=company or cast.acme,
        kind=CompanyEvent.Kind.AWARENESS,
        title="Sensibilisation",
        starts_at=when or datetime(2026, 5, 12, 10, tzinfo=UTC),
        duration_minutes=90,
        format=CompanyEvent.Format.IN_PERSON,
        place="Acme, salle 3",
        capacity=capacity,
        actor=cast.amara,
    )


def _paris_mentee(cast: Cast, first: str) -> Any:
    person = create_person(actor=None, first_name=first, last_name="Test", territory=cast.paris)
    return create_mentee_profile(person, actor=None, targets=["M1805"], french_level="B1", protection_status="refugee")


def test_employees_and_mentees_register_until_the_event_is_full(cast: Cast) -> None:
    event = _event(cast, capacity=2)
    first = services.register(event, cast.ben.person, actor=cast.amara)
    second = services.register(event, cast.chloe.person, actor=cast.amara)
    assert (first.audience, second.audience) == ("employee", "mentee")
    late = _paris_mentee(cast, "Sami")
    with pytest.raises(ValidationError) as error:
        services.register(event, late.person, actor=cast.amara)
    assert error.value.messages == ["This event is full: all 2 places are taken."]
    assert event.registrations.count() == 2


def test_only_the_companys_employees_and_the_territorys_mentees_can_register(cast: Cast) -> None:
    event = _event(cast, capacity=5)
    for outsider in [cast.dev.person, cast.leila.person]:  # Lyon's mentor (another company) and mentee
        with pytest.raises(ValidationError):
            services.register(event, outsider, actor=cast.amara)
    services.register(event, cast.ben.person, actor=cast.amara)
    with pytest.raises(ValidationError, match="already registered"):
        services.register(event, cast.ben.person, actor=cast.amara)


def test_a_full_event_refuses_through_the_page_with_a_clear_message(cast: Cast, client_for: Any) -> None:
    event = _event(cast, capacity=1)
    client = client_for(cast.amara)
    url = reverse("events:event_register", args=[event.pk])
    assert client.post(url, {"person": cast.ben.person_id}).status_code == 302
    response = client.post(url, {"person": cast.chloe.person_id}, follow=True, **EN)
    assert "This event is full: all 1 places are taken." in response.content.decode()
    assert list(event.registrations.values_list("person_id", flat=True)) == [cast.ben.person_id]


@time_machine.travel(datetime(2026, 5, 12, 15, tzinfo=UTC), tick=False)
def test_attendance_is_one_tap_with_htmx_and_works_without_javascript(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    registration = services.register(event, cast.ben.person, actor=cast.amara)
    client = client_for(cast.amara)
    url = reverse("events:event_mark", args=[event.pk, registration.pk])
    swapped = client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true", **EN)
    assert swapped.status_code == 200
    assert f'id="registration-{registration.pk}"' in swapped.content.decode()
    registration.refresh_from_db()
    assert registration.present is True
    plain = client.post(url, {"present": "0"})
    assert plain.status_code == 302
    registration.refresh_from_db()
    assert registration.present is False


@time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False)
def test_attendance_waits_for_the_day_of_the_event(cast: Cast) -> None:
    event = _event(cast)
    registration = services.register(event, cast.ben.person, actor=cast.amara)
    with pytest.raises(ValidationError, match="from the day of the event"):
        services.mark_attendance(registration, present=True, actor=cast.amara)


def test_a_lyon_coordinator_gets_404_on_a_paris_event(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    registration = services.register(event, cast.ben.person, actor=cast.amara)
    client = client_for(cast.lucie)
    assert client.get(reverse("events:event", args=[event.pk])).status_code == 404
    assert (
        client.post(reverse("events:event_register", args=[event.pk]), {"person": cast.chloe.person_id}).status_code
        == 404
    )
    mark = reverse("events:event_mark", args=[event.pk, registration.pk])
    assert client.post(mark, {"present": "1"}).status_code == 404
    assert event.registrations.count() == 1
    assert "Sensibilisation" not in client.get(reverse("events:events")).content.decode()


@time_machine.travel(datetime(2026, 5, 20, 9, tzinfo=UTC), tick=False)
def test_the_company_contact_sees_own_events_with_counts_and_never_mentee_names(cast: Cast, client_for: Any) -> None:
    event = _event(cast, capacity=5)
    services.mark_attendance(services.register(event, cast.ben.person, actor=cast.amara), present=True, actor=None)
    services.mark_attendance(services.register(event, cast.chloe.person, actor=cast.amara), present=True, actor=None)
    services.register(event, _paris_mentee(cast, "Sami").person, actor=cast.amara)
    lyon_event = _event(cast, company=cast.dev.company)
    client = client_for(cast.hugo)
    listing = client.get(reverse("events:company_events"), **EN).content.decode()
    assert "Sensibilisation" in listing
    assert reverse("events:company_event", args=[lyon_event.pk]) not in listing
    assert client.get(reverse("events:company_event", args=[lyon_event.pk])).status_code == 404
    page = client.get(reverse("events:company_event", args=[event.pk]), **EN)
    html = page.content.decode()
    assert "Ben Durand" in html
    for mentee_name in ["Chloé", "Haddad", "Sami"]:
        assert mentee_name not in html
    assert page.context["event"].mentees_registered == 2
    assert page.context["event"].mentees_present == 1
    assert page.context["event"].employees_present == 1


@time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False)
def test_summaries_for_a_company_and_a_territory_count_by_audience(cast: Cast, django_assert_num_queries: Any) -> None:
    may = _event(cast, capacity=5, when=datetime(2026, 5, 12, 10, tzinfo=UTC))
    services.mark_attendance(services.register(may, cast.ben.person, actor=None), present=True, actor=None)
    services.mark_attendance(services.register(may, cast.chloe.person, actor=None), present=False, actor=None)
    june = _event(cast, company=cast.boulangerie, when=datetime(2026, 6, 20, 10, tzinfo=UTC))
    services.register(june, _paris_mentee(cast, "Sami").person, actor=None)
    _event(cast, capacity=5, when=datetime(2025, 5, 12, 10, tzinfo=UTC))  # outside the period
    with django_assert_num_queries(2):
        acme = selectors.events_summary_for_company(cast.acme, date(2026, 1, 1), date(2026, 12, 31))
    assert acme == selectors.EventsSummary(
        events=1, past_events=1, employees_registered=1, mentees_registered=1, employees_present=1, mentees_present=0
    )
    paris = selectors.events_summary_for_territory(cast.paris, date(2026, 1, 1), date(2026, 12, 31))
    assert (paris.events, paris.past_events, paris.registered, paris.present) == (2, 1, 3, 1)
    assert (paris.mentees_registered, paris.employees_registered) == (2, 1)
    lyon = selectors.events_summary_for_territory(cast.lyon, date(2026, 1, 1), date(2026, 12, 31))
    assert lyon == selectors.EventsSummary()


def test_creating_an_event_from_the_page_re_renders_errors(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    bad = client.post(reverse("events:events"), {"company": cast.acme.pk, "title": "x", "capacity": "0"}, **EN)
    assert bad.status_code == 400
    assert not CompanyEvent.objects.exists()
    foreign = client.post(
        reverse("events:events"),
        {
            "company": cast.dev.company_id,
            "kind": "testimony",
            "title": "Témoignage",
            "starts_at": "2026-05-12T10:00",
            "duration_minutes": "60",
            "format": "online",
            "place": "https://visio.example/abc",
            "capacity": "30",
        },
    )
    assert foreign.status_code == 400  # a Lyon company is not a choice for a Paris coordinator
    good = client.post(
        reverse("events:events"),
        {
            "company": cast.acme.pk,
            "kind": "testimony",
            "title": "Témoignage",
            "starts_at": "2026-05-12T10:00",
            "duration_minutes": "60",
            "format": "online",
            "place": "https://visio.example/abc",
            "capacity": "30",
        },
    )
    event = CompanyEvent.objects.get()
    assert good.status_code == 302
    assert (event.territory, event.capacity, event.created_by) == (cast.paris, 30, cast.amara)
    assert EventRegistration.objects.count() == 0


@time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False)
def test_the_company_portal_section_lists_upcoming_events_with_counts_only(cast: Cast) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    event = _event(cast, capacity=5)
    services.register(event, cast.ben.person, actor=None)
    services.register(event, cast.chloe.person, actor=None)
    _event(cast, company=cast.dev.company)  # another company's event
    rows = selectors.company_section_events(cast.hugo)
    assert [e.pk for e in rows] == [event.pk]
    html = render_to_string(
        "portals/events/_company_section.html", {"company_events": rows}, request=RequestFactory().get("/")
    )
    assert "Sensibilisation" in html
    assert "Chloé" not in html
    assert "Haddad" not in html
    assert reverse("events:company_event", args=[event.pk]) in html


@time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False)
def test_the_company_portal_page_shows_its_events_without_mentee_names(cast: Cast, client_for: Any) -> None:
    event = _event(cast, capacity=5)
    services.register(event, cast.chloe.person, actor=None)
    page = client_for(cast.hugo).get(reverse("company_portal")).content.decode()
    assert 'id="company-events"' in page
    assert reverse("events:company_event", args=[event.pk]) in page
    assert reverse("impact:company") in page
    assert cast.chloe.person.last_name not in page
