"""Editing and cancelling in-company events: the rules the services keep, and the staff pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from binome.audit.models import AuditEvent
from binome.events import selectors, services
from binome.events.models import CompanyEvent
from binome.operations.selectors import territory_dashboard
from binome.people.services import create_mentee_profile, create_person
from conftest import Cast

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MAY_12 = datetime(2026, 5, 12, 10, tzinfo=UTC)
IS_CANCELLED = r"This event is cancelled\."


def _event(cast: Cast, *, company: Any = None, capacity: int = 5, when: datetime = MAY_12) -> CompanyEvent:
    return services.create_event(
        company=company or cast.acme,
        kind=CompanyEvent.Kind.AWARENESS,
        title="Sensibilisation",
        starts_at=when,
        duration_minutes=90,
        format=CompanyEvent.Format.IN_PERSON,
        place="Acme, salle 3",
        capacity=capacity,
        actor=cast.amara,
    )


def _details(event: CompanyEvent, **changes: Any) -> dict[str, Any]:
    """The event's details as `update_event` takes them, with some changed."""
    details = {
        "company": event.company,
        "kind": event.kind,
        "title": event.title,
        "starts_at": event.starts_at,
        "duration_minutes": event.duration_minutes,
        "format": event.format,
        "place": event.place,
        "capacity": event.capacity,
    }
    return {**details, **changes}


def _form(event: CompanyEvent, **changes: str) -> dict[str, Any]:
    """The edit form as a browser posts it."""
    data = {
        "company": str(event.company_id),
        "kind": event.kind,
        "title": event.title,
        "starts_at": "2026-05-12T12:00",
        "duration_minutes": str(event.duration_minutes),
        "format": event.format,
        "place": event.place,
        "capacity": str(event.capacity),
    }
    return {**data, **changes}


def _paris_mentee(cast: Cast, first: str) -> Any:
    person = create_person(actor=None, first_name=first, last_name="Test", territory=cast.paris)
    return create_mentee_profile(person, actor=None, targets=["M1805"], french_level="B1", protection_status="refugee")


# --- editing --------------------------------------------------------------------------------------
def test_a_coordinator_edits_an_event_and_the_trail_names_the_fields_she_changed(cast: Cast) -> None:
    event = _event(cast)
    later = datetime(2026, 5, 19, 14, tzinfo=UTC)
    services.update_event(
        event, actor=cast.amara, **_details(event, title=" Témoignage ", starts_at=later, capacity=12)
    )
    event.refresh_from_db()
    assert (event.title, event.starts_at, event.capacity) == ("Témoignage", later, 12)
    trail = AuditEvent.objects.get(verb="updated", target_type="events.companyevent", target_id=str(event.pk))
    assert trail.actor == cast.amara
    assert trail.details == {"fields": ["capacity", "starts_at", "title"]}


def test_saving_an_unchanged_event_writes_nothing_to_the_trail(cast: Cast) -> None:
    event = _event(cast)
    services.update_event(event, actor=cast.amara, **_details(event))
    assert not AuditEvent.objects.filter(verb="updated", target_type="events.companyevent").exists()


def test_the_capacity_cannot_drop_below_the_people_already_registered(cast: Cast) -> None:
    event = _event(cast, capacity=5)
    services.register(event, cast.ben.person, actor=cast.amara)
    services.register(event, cast.chloe.person, actor=cast.amara)
    with pytest.raises(ValidationError) as error:
        services.update_event(event, actor=cast.amara, **_details(event, capacity=1))
    assert error.value.message_dict == {
        "capacity": ["2 people are already registered: the capacity can't be lower. Take people off the list first."]
    }
    event.refresh_from_db()
    assert event.capacity == 5
    services.update_event(event, actor=cast.amara, **_details(event, capacity=2))  # exactly full is fine
    event.refresh_from_db()
    assert event.capacity == 2


def test_the_company_can_change_until_someone_is_registered_and_the_territory_follows_it(cast: Cast) -> None:
    event = _event(cast)
    services.update_event(event, actor=cast.amara, **_details(event, company=cast.boulangerie))
    event.refresh_from_db()
    assert (event.company, event.territory_id) == (cast.boulangerie, cast.boulangerie.territory_id)
    services.register(event, cast.chloe.person, actor=cast.amara)
    with pytest.raises(ValidationError) as error:
        services.update_event(event, actor=cast.amara, **_details(event, company=cast.acme))
    assert list(error.value.message_dict) == ["company"]
    event.refresh_from_db()
    assert event.company == cast.boulangerie


@time_machine.travel(datetime(2026, 5, 20, 9, tzinfo=UTC), tick=False)
def test_once_attendance_is_recorded_the_day_is_fixed_but_the_hour_can_be_corrected(cast: Cast) -> None:
    event = _event(cast)
    services.mark_attendance(services.register(event, cast.ben.person, actor=None), present=False, actor=None)
    with pytest.raises(ValidationError) as error:
        services.update_event(
            event, actor=cast.amara, **_details(event, starts_at=datetime(2026, 5, 13, 10, tzinfo=UTC))
        )
    assert list(error.value.message_dict) == ["starts_at"]
    same_day = datetime(2026, 5, 12, 14, tzinfo=UTC)
    services.update_event(event, actor=cast.amara, **_details(event, starts_at=same_day))
    event.refresh_from_db()
    assert event.starts_at == same_day


@time_machine.travel(datetime(2026, 5, 20, 9, tzinfo=UTC), tick=False)
def test_a_past_event_without_attendance_can_be_postponed(cast: Cast) -> None:
    event = _event(cast)
    services.register(event, cast.ben.person, actor=None)
    postponed = datetime(2026, 6, 2, 10, tzinfo=UTC)
    services.update_event(event, actor=cast.amara, **_details(event, starts_at=postponed))
    event.refresh_from_db()
    assert event.starts_at == postponed


# --- cancelling -----------------------------------------------------------------------------------
def test_cancelling_keeps_the_reason_and_who_cancelled_and_the_trail_holds_no_free_text(cast: Cast) -> None:
    event = _event(cast)
    services.register(event, cast.ben.person, actor=cast.amara)
    services.cancel_event(event, reason="  Salle indisponible (travaux).  ", actor=cast.amara)
    event.refresh_from_db()
    assert event.is_cancelled
    assert (event.cancellation_reason, event.cancelled_by) == ("Salle indisponible (travaux).", cast.amara)
    assert event.registrations.count() == 1  # the list stays, for the record
    trail = AuditEvent.objects.get(verb="cancelled", target_type="events.companyevent")
    assert (trail.actor, trail.target_id, trail.details) == (cast.amara, str(event.pk), {"registrations": 1})
    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel_event(event, reason="Encore", actor=cast.amara)


def test_cancelling_needs_a_reason(cast: Cast) -> None:
    event = _event(cast)
    with pytest.raises(ValidationError) as error:
        services.cancel_event(event, reason="   ", actor=cast.amara)
    assert error.value.message_dict == {"reason": ["Say why the event is cancelled."]}
    event.refresh_from_db()
    assert not event.is_cancelled


def test_the_database_refuses_a_cancelled_event_without_a_reason(cast: Cast) -> None:
    event = _event(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyEvent.objects.filter(pk=event.pk).update(cancelled_at=MAY_12)


@time_machine.travel(datetime(2026, 5, 20, 9, tzinfo=UTC), tick=False)
def test_an_event_someone_attended_cannot_be_cancelled_until_the_attendance_is_corrected(cast: Cast) -> None:
    event = _event(cast)
    registration = services.register(event, cast.ben.person, actor=None)
    services.mark_attendance(registration, present=True, actor=None)
    with pytest.raises(ValidationError, match="took place"):
        services.cancel_event(event, reason="Erreur", actor=cast.amara)
    services.mark_attendance(registration, present=False, actor=None)
    services.cancel_event(event, reason="Erreur", actor=cast.amara)
    event.refresh_from_db()
    assert event.is_cancelled


@time_machine.travel(datetime(2026, 5, 12, 15, tzinfo=UTC), tick=False)
def test_a_cancelled_event_takes_no_registration_attendance_removal_or_edit(cast: Cast) -> None:
    event = _event(cast)
    registration = services.register(event, cast.ben.person, actor=None)
    services.cancel_event(event, reason="Grève", actor=cast.amara)
    with pytest.raises(ValidationError, match=IS_CANCELLED):
        services.register(event, cast.chloe.person, actor=cast.amara)
    with pytest.raises(ValidationError, match=IS_CANCELLED):
        services.mark_attendance(registration, present=True, actor=cast.amara)
    with pytest.raises(ValidationError, match=IS_CANCELLED):
        services.unregister(registration, actor=cast.amara)
    with pytest.raises(ValidationError, match=IS_CANCELLED):
        services.update_event(event, actor=cast.amara, **_details(event, capacity=9))
    registration.refresh_from_db()
    assert registration.present is None
    assert list(event.registrations.values_list("person_id", flat=True)) == [cast.ben.person_id]


@time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False)
def test_cancelled_events_are_left_out_of_the_company_and_territory_figures(cast: Cast) -> None:
    held = _event(cast, when=datetime(2026, 5, 12, 10, tzinfo=UTC))
    services.mark_attendance(services.register(held, cast.ben.person, actor=None), present=True, actor=None)
    called_off = _event(cast, when=datetime(2026, 5, 20, 10, tzinfo=UTC))
    services.register(called_off, cast.chloe.person, actor=None)
    services.register(called_off, _paris_mentee(cast, "Sami").person, actor=None)
    services.cancel_event(called_off, reason="Grève", actor=cast.amara)
    planned_then_cancelled = _event(cast, company=cast.boulangerie, when=datetime(2026, 6, 20, 10, tzinfo=UTC))
    services.cancel_event(planned_then_cancelled, reason="Report", actor=cast.amara)

    only_the_held_one = selectors.EventsSummary(events=1, past_events=1, employees_registered=1, employees_present=1)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert selectors.events_summary_for_company(cast.acme, *year) == only_the_held_one
    assert selectors.events_summary_for_territory(cast.paris, *year) == only_the_held_one
    assert selectors.events_summary_for_company(cast.boulangerie, *year) == selectors.EventsSummary()
    assert territory_dashboard(cast.paris).events_this_year == only_the_held_one


# --- pages ----------------------------------------------------------------------------------------
def test_the_edit_page_re_renders_a_refused_capacity_with_the_input_kept(cast: Cast, client_for: Any) -> None:
    event = _event(cast, capacity=5)
    services.register(event, cast.ben.person, actor=cast.amara)
    services.register(event, cast.chloe.person, actor=cast.amara)
    client = client_for(cast.amara)
    url = reverse("events:event_edit", args=[event.pk])
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert 'value="2026-05-12T12:00"' in page.content.decode()  # 10:00 UTC, shown in Paris time
    bad = client.post(url, _form(event, title="Nouveau titre", capacity="1"), **EN)
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "2 people are already registered: the capacity can&#x27;t be lower." in html
    assert 'value="Nouveau titre"' in html
    assert ">Sensibilisation</a>" in html  # the page names the stored event, not the refused input
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Sensibilisation", 5)


def test_the_edit_page_re_renders_invalid_input_with_status_400(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    response = client_for(cast.amara).post(
        reverse("events:event_edit", args=[event.pk]), _form(event, title="", starts_at="not a date"), **EN
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "starts_at"}
    event.refresh_from_db()
    assert event.title == "Sensibilisation"


def test_the_edit_page_saves_and_goes_back_to_the_event(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    response = client_for(cast.amara).post(
        reverse("events:event_edit", args=[event.pk]), _form(event, place="Acme, auditorium", capacity="40")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event", args=[event.pk])
    event.refresh_from_db()
    assert (event.place, event.capacity, event.starts_at) == ("Acme, auditorium", 40, MAY_12)


def test_the_cancel_page_asks_for_a_reason_then_shows_the_event_as_cancelled(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    services.register(event, cast.ben.person, actor=cast.amara)
    client = client_for(cast.amara)
    url = reverse("events:event_cancel", args=[event.pk])
    form = client.get(url, **EN)
    assert form.status_code == 200
    assert "Ben Durand" in form.content.decode()  # the people to tell
    empty = client.post(url, {"reason": "  "}, **EN)
    assert empty.status_code == 400
    assert list(empty.context["form"].errors) == ["reason"]
    event.refresh_from_db()
    assert not event.is_cancelled
    done = client.post(url, {"reason": "Salle indisponible"}, follow=True, **EN)
    html = done.content.decode()
    assert done.redirect_chain == [(reverse("events:event", args=[event.pk]), 302)]
    assert 'id="cancelled"' in html
    assert "Salle indisponible" in html
    assert "Tell the people who were registered." in html
    assert 'id="register"' not in html
    assert reverse("events:event_edit", args=[event.pk]) not in html
    assert reverse("events:event_mark", args=[event.pk, event.registrations.get().pk]) not in html
    listing = client.get(reverse("events:events"), **EN).content.decode()
    assert "Cancelled" in listing
    # A cancelled event's forms send back to the event instead of acting again.
    assert client.get(reverse("events:event_edit", args=[event.pk])).status_code == 302
    assert client.post(url, {"reason": "Encore"}).status_code == 302
    event.refresh_from_db()
    assert event.cancellation_reason == "Salle indisponible"
    company_page = client_for(cast.hugo).get(reverse("events:company_event", args=[event.pk]), **EN).content.decode()
    assert 'id="cancelled"' in company_page
    assert "Salle indisponible" in company_page


def test_registering_on_a_cancelled_event_through_the_page_says_it_is_cancelled(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    services.cancel_event(event, reason="Grève", actor=cast.amara)
    response = client_for(cast.amara).post(
        reverse("events:event_register", args=[event.pk]), {"person": cast.ben.person_id}, follow=True, **EN
    )
    assert "This event is cancelled." in response.content.decode()
    assert not event.registrations.exists()


def test_a_lyon_coordinator_gets_404_on_editing_or_cancelling_a_paris_event(cast: Cast, client_for: Any) -> None:
    event = _event(cast)
    client = client_for(cast.lucie)
    edit, cancel = reverse("events:event_edit", args=[event.pk]), reverse("events:event_cancel", args=[event.pk])
    assert client.get(edit).status_code == 404
    assert client.get(cancel).status_code == 404
    assert client.post(edit, _form(event, title="Piraté", capacity="1")).status_code == 404
    assert client.post(cancel, {"reason": "Piraté"}).status_code == 404
    event.refresh_from_db()
    assert (event.title, event.capacity, event.is_cancelled) == ("Sensibilisation", 5, False)
    assert not AuditEvent.objects.filter(target_type="events.companyevent", verb__in=["updated", "cancelled"]).exists()


def test_a_national_admin_can_cancel_any_territorys_event(cast: Cast, client_for: Any) -> None:
    event = _event(cast, company=cast.dev.company)
    response = client_for(cast.nadia).post(reverse("events:event_cancel", args=[event.pk]), {"reason": "Annulé"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.is_cancelled, event.cancelled_by) == (True, cast.nadia)
