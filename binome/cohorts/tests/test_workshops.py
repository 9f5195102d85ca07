"""Workshops: invitations and cancellations with .ics files through the real worker,
attendance in one tap, scoping, and the calendar content (RFC 5545)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from binome.accounts.models import Role, User
from binome.cohorts import ics
from binome.cohorts.models import Audience, ItemKind, Workshop, WorkshopInvitation
from binome.cohorts.services import Invited, cancel_workshop, invite_to_workshop
from binome.cohorts.tests.conftest import Programme, run_worker
from binome.pairing.workshops import cohort_members
from binome.people.services import create_person
from binome.sourcing.models import Referral
from conftest import PASSWORD

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def invite(workshop: Workshop, *, actor: User) -> Invited:
    """Invite the people the workshop is for, as the staff page does."""
    return invite_to_workshop(workshop, members=cohort_members(workshop.cohort, workshop.audience), actor=actor)


def _parse(text: str | bytes) -> Calendar:
    return Calendar.from_ical(text)


def _attachment(message: Any) -> tuple[str, str]:
    """(content type with parameters, the .ics text) of a sent message's calendar file."""
    part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
    return part["Content-Type"], part.get_payload(decode=True).decode()


# --- ICS content -------------------------------------------------------------------


def test_an_invitation_is_a_valid_request_in_paris_time_across_the_dst_change(programme: Programme) -> None:
    # The cohort starts on 1 March 2027 (CET, UTC+1); the CV workshop is on 12 April 2027 (CEST, UTC+2).
    before = programme.workshop(ItemKind.KICK_OFF)
    after = programme.workshop(ItemKind.CV_INTERVIEW)
    for workshop, utc_hour in [(before, 17), (after, 16)]:
        calendar = _parse(ics.invitation_ics(workshop, attendee="chloe@example.org"))
        assert calendar["METHOD"] == "REQUEST"
        assert calendar["VERSION"] == "2.0"
        assert calendar["PRODID"]
        (event,) = calendar.events
        assert event["UID"] == workshop.uid
        assert event["SUMMARY"] == workshop.title
        assert event.get("DTSTAMP") is not None
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert event["DTEND"].params["TZID"] == "Europe/Paris"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (18, 30)  # 18:30 on the wall clock, winter and summer
        assert start.astimezone(ZoneInfo("UTC")).hour == utc_hour
        assert "mailto:chloe@example.org" in str(event["ATTENDEE"])
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    raw = ics.invitation_ics(after, attendee="chloe@example.org")
    assert "DTSTART;TZID=Europe/Paris:20270412T183000" in raw
    assert "\r\n" in raw  # RFC 5545 lines end with CRLF


def test_a_cancellation_has_the_same_uid_and_a_higher_sequence(programme: Programme) -> None:
    workshop = programme.workshop(ItemKind.NETWORKING)
    workshop.place = "La Ruche, Paris 11e"
    workshop.save()
    invitation = _parse(ics.invitation_ics(workshop, attendee="chloe@example.org"))
    cancel_workshop(workshop, actor=programme.cast.amara)
    workshop.refresh_from_db()
    cancellation = _parse(ics.cancellation_ics(workshop, attendee="chloe@example.org"))
    (sent,), (cancelled,) = invitation.events, cancellation.events
    assert cancellation["METHOD"] == "CANCEL"
    assert cancelled["UID"] == sent["UID"] == workshop.uid
    assert cancelled["SEQUENCE"] > sent["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["LOCATION"] == "La Ruche, Paris 11e"


# --- invitations and cancellations through the worker ---------------------------------


def test_invitations_go_to_the_audience_by_email_with_an_ics_through_the_worker(
    programme: Programme, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    mentees_only = programme.workshop(ItemKind.CODES_WORKSHOP)
    assert mentees_only.audience == Audience.MENTEES
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(mentees_only, actor=programme.cast.amara).sent == 1
    assert mail.outbox == []  # nothing leaves inside the request
    run_worker()
    (message,) = mail.outbox
    assert message.to == [programme.cast.chloe.person.email]
    content_type, text = _attachment(message)
    assert 'method="REQUEST"' in content_type
    (event,) = _parse(text).events
    assert event["UID"] == mentees_only.uid
    assert list(mentees_only.invitations.values_list("person_id", "role")) == [
        (programme.cast.chloe.person_id, WorkshopInvitation.Role.MENTEE)
    ]
    # Sending again invites nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(mentees_only, actor=programme.cast.amara).sent == 0


def test_cancelling_a_workshop_emails_everyone_invited_a_cancel_ics_through_the_worker(
    programme: Programme, client_for: Any, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    kick_off = programme.workshop(ItemKind.KICK_OFF)
    client = client_for(programme.cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/workshops/{kick_off.pk}/invite/")
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [programme.cast.ben.person.email, programme.cast.chloe.person.email]
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/workshops/{kick_off.pk}/cancel/")
    assert response.status_code == 302
    run_worker()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        content_type, text = _attachment(message)
        assert 'method="CANCEL"' in content_type
        calendar = _parse(text)
        assert calendar["METHOD"] == "CANCEL"
        assert calendar.events[0]["UID"] == kick_off.uid
        assert calendar.events[0]["SEQUENCE"] == 1
    kick_off.refresh_from_db()
    assert kick_off.is_cancelled
    # Cancelling twice sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/workshops/{kick_off.pk}/cancel/")
    run_worker()
    assert mail.outbox == []


def test_moving_an_invited_workshop_sends_the_update_with_the_next_sequence(
    programme: Programme, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    from binome.cohorts.services import update_workshop

    workshop = programme.workshop(ItemKind.MID_POINT)
    with django_capture_on_commit_callbacks(execute=True):
        invite(workshop, actor=programme.cast.amara)
        moved = workshop.starts_at + timedelta(days=2)
        update_workshop(workshop, actor=programme.cast.amara, starts_at=moved, ends_at=moved + timedelta(hours=1))
    run_worker()
    assert len(mail.outbox) == 4  # two invitations, then two updates
    events = [_parse(_attachment(m)[1]).events[0] for m in mail.outbox]
    assert sorted(int(e["SEQUENCE"]) for e in events) == [0, 0, 1, 1]
    assert {str(e["UID"]) for e in events} == {workshop.uid}
    updated = [e for e in events if e["SEQUENCE"] == 1]
    assert all(e.decoded("DTSTART") == moved for e in updated)


def test_invitations_stop_at_the_workshop_capacity_and_say_who_was_left_out(programme: Programme) -> None:

    workshop = programme.workshop(ItemKind.MID_POINT)  # for mentors and mentees: two people in this cohort
    workshop.capacity = 1
    workshop.save(update_fields=["capacity"])
    assert invite(workshop, actor=programme.cast.amara) == Invited(sent=1, left_out=1)
    assert workshop.invitations.count() == 1
    # Still full: nobody more is invited, and the page can still say one person is left out.
    assert invite(workshop, actor=programme.cast.amara) == Invited(sent=0, left_out=1)
    workshop.capacity = 5
    workshop.save(update_fields=["capacity"])
    assert invite(workshop, actor=programme.cast.amara) == Invited(sent=1, left_out=0)
    assert workshop.invitations.count() == 2


def test_a_workshop_that_is_over_or_cancelled_cannot_be_sent_out(programme: Programme, frozen: Any) -> None:
    from django.core.exceptions import ValidationError

    training = programme.workshop(ItemKind.MENTOR_TRAINING)
    frozen.move_to(datetime(2027, 3, 1, tzinfo=PARIS))  # the training day is over
    with pytest.raises(ValidationError):
        invite(training, actor=programme.cast.amara)
    assert not training.invitations.exists()


# --- attendance ------------------------------------------------------------------------


def _invited(programme: Programme, kind: str) -> Any:
    workshop = programme.workshop(kind)
    invite(workshop, actor=programme.cast.amara)
    return workshop


def test_attendance_is_one_tap_per_person_with_htmx_and_without(
    programme: Programme, client_for: Any, frozen: Any
) -> None:
    workshop = _invited(programme, ItemKind.KICK_OFF)
    chloe = workshop.invitations.get(person=programme.cast.chloe.person)
    client = client_for(programme.cast.amara)
    url = f"/staff/workshops/{workshop.pk}/attendance/{chloe.pk}/"

    too_early = client.post(url, {"present": "1"})
    assert too_early.status_code == 302
    chloe.refresh_from_db()
    assert chloe.present is None  # attendance opens on the workshop's day

    frozen.move_to(datetime(2027, 3, 1, 19, 0, tzinfo=PARIS))
    client = client_for(programme.cast.amara)  # a fresh session: the old one expired in the jump
    row = client.post(url, {"present": "1"}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert f'id="invitation-{chloe.pk}"' in row.content.decode()
    chloe.refresh_from_db()
    assert chloe.present is True

    plain = client.post(url, {"present": "0"})  # no JavaScript: a plain form post, back to the list
    assert plain.status_code == 302
    assert plain["Location"] == f"/staff/workshops/{workshop.pk}/attendance/"
    chloe.refresh_from_db()
    assert chloe.present is False

    odd = client.post(url, {"present": "maybe"})
    assert odd.status_code == 302
    chloe.refresh_from_db()
    assert chloe.present is False

    page = client.get(f"/staff/workshops/{workshop.pk}/attendance/").content.decode()
    assert programme.cast.chloe.person.full_name in page
    assert programme.cast.ben.person.full_name in page


def test_a_lyon_coordinator_gets_404_on_a_paris_workshop(programme: Programme, client_for: Any) -> None:
    workshop = _invited(programme, ItemKind.KICK_OFF)
    invitation = workshop.invitations.first()
    client = client_for(programme.cast.lucie)
    assert client.get(f"/staff/workshops/{workshop.pk}/").status_code == 404
    assert client.get(f"/staff/workshops/{workshop.pk}/attendance/").status_code == 404
    assert client.post(f"/staff/workshops/{workshop.pk}/cancel/").status_code == 404
    assert (
        client.post(f"/staff/workshops/{workshop.pk}/attendance/{invitation.pk}/", {"present": "1"}).status_code == 404
    )
    assert client.get(f"/staff/cohorts/{programme.cohort.pk}/calendar/").status_code == 404
    workshop.refresh_from_db()
    assert not workshop.is_cancelled


def test_an_invitation_of_another_workshop_is_not_found_through_this_one(
    programme: Programme, client_for: Any, frozen: Any
) -> None:
    kick_off = _invited(programme, ItemKind.KICK_OFF)
    lyon = programme.workshop(ItemKind.KICK_OFF, programme.lyon_cohort)
    invite(lyon, actor=programme.cast.lucie)
    lyon_invitation = lyon.invitations.first()
    frozen.move_to(datetime(2027, 3, 1, 19, 0, tzinfo=PARIS))
    response = client_for(programme.cast.amara).post(
        f"/staff/workshops/{kick_off.pk}/attendance/{lyon_invitation.pk}/", {"present": "1"}
    )
    assert response.status_code == 404
    lyon_invitation.refresh_from_db()
    assert lyon_invitation.present is None


@pytest.mark.parametrize("who", ["ben_user", "chloe_user", "hugo", "farah", "fiona"])
def test_mentors_mentees_and_other_roles_are_refused_staff_programme_pages(
    programme: Programme, client_for: Any, who: str
) -> None:
    """403 on the section's pages; 404 on a record's pages (outside their scope, like any other)."""
    workshop = programme.workshop(ItemKind.KICK_OFF)
    client = client_for(getattr(programme.cast, who))
    for url in ["/staff/cohorts/", "/staff/national/", "/staff/open-territory/"]:
        assert client.get(url).status_code == 403, url
    for url in [
        f"/staff/cohorts/{programme.cohort.pk}/calendar/",
        f"/staff/workshops/{workshop.pk}/",
        f"/staff/workshops/{workshop.pk}/attendance/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/staff/workshops/{workshop.pk}/cancel/").status_code == 404


def test_a_coordinator_cannot_open_the_national_pages(cast: Any, client_for: Any) -> None:
    client = client_for(cast.amara)
    assert client.get("/staff/national/").status_code == 403
    assert client.get("/staff/open-territory/").status_code == 403


def test_the_calendar_page_counts_invitations_and_attendance(
    programme: Programme, client_for: Any, frozen: Any
) -> None:
    workshop = _invited(programme, ItemKind.KICK_OFF)
    frozen.move_to(datetime(2027, 3, 2, tzinfo=PARIS))
    from binome.cohorts.services import mark_workshop_attendance

    for invitation, present in zip(workshop.invitations.order_by("pk"), [True, False], strict=True):
        mark_workshop_attendance(invitation, present=present, actor=programme.cast.amara)
    page = client_for(programme.cast.amara).get(f"/staff/cohorts/{programme.cohort.pk}/calendar/")
    assert page.status_code == 200
    assert "1/2" in page.content.decode()
    assert date(2027, 3, 1) == workshop.starts_at.astimezone(PARIS).date()


# --- each person in their own language, in the same number of queries for 2 or 6 ---------

INVITATION = {"fr": "Invitation : ", "en": "Invitation: ", "ar": "دعوة: "}
CANCELLATION = {"fr": "Annulé : ", "en": "Cancelled: ", "ar": "تم الإلغاء: "}


def _enrol(programme: Programme, people: dict[str, str | None]) -> dict[str, str]:
    """Mentees enrolled in the cohort, not matched yet: {first name: the language their account
    chose ("" for none), or None for no account}. Returns {email: the language to expect}."""
    expected = {}
    for first, language in people.items():
        person = create_person(
            actor=None,
            first_name=first,
            last_name="Mentee",
            territory=programme.cast.paris,
            email=f"{first.lower()}@mentee.test",
        )
        Referral.objects.create(
            person=person, partner=programme.cast.paris_ngo, status=Referral.Status.ENROLLED, cohort=programme.cohort
        )
        if language is not None:
            user = User.objects.create_user(email=f"{first.lower()}@account.test", password=PASSWORD, language=language)
            Role.objects.create(user=user, kind=Role.Kind.MENTEE, person=person)
        expected[person.email] = language or "fr"
    return expected


SIX = {"Emma": "en", "Nour": "ar", "Lina": "", "Karim": None, "Sara": "en", "Omid": None}


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_inviting_six_people_costs_the_queries_of_two_and_each_reads_their_own_language(
    programme: Programme, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    cast = programme.cast
    cast.chloe_user.language = "ar"
    cast.chloe_user.save(update_fields=["language"])
    expected = {cast.chloe.person.email: "ar", **_enrol(programme, {"Yasmine": None})}
    workshop = programme.workshop(ItemKind.CODES_WORKSHOP)  # for mentees
    with django_capture_on_commit_callbacks(execute=True):
        for_two = _queries(lambda: invite(workshop, actor=cast.amara))
        expected |= _enrol(programme, SIX)
        for_six = _queries(lambda: invite(workshop, actor=cast.amara))  # the six not invited yet
    assert for_six == for_two
    run_worker()
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        email: INVITATION[language] + workshop.title for email, language in expected.items()
    }


def test_cancelling_for_eight_people_costs_the_queries_of_two_and_each_reads_their_own_language(
    programme: Programme, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    cast = programme.cast
    cast.chloe_user.language = "en"
    cast.chloe_user.save(update_fields=["language"])
    first, second = programme.cohort.workshops.filter(kind=ItemKind.CODES_WORKSHOP).order_by("starts_at")
    for_two = {cast.chloe.person.email: "en", **_enrol(programme, {"Yasmine": ""})}
    with django_capture_on_commit_callbacks(execute=True):
        invite(first, actor=cast.amara)
    for_eight = for_two | _enrol(programme, SIX)
    with django_capture_on_commit_callbacks(execute=True):
        invite(second, actor=cast.amara)
    run_worker()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        two = _queries(lambda: cancel_workshop(first, actor=cast.amara))
        eight = _queries(lambda: cancel_workshop(second, actor=cast.amara))
    assert eight == two
    run_worker()
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == sorted(
        [(email, CANCELLATION[language] + first.title) for email, language in for_two.items()]
        + [(email, CANCELLATION[language] + second.title) for email, language in for_eight.items()]
    )
