"""Publishing a cohort's calendar: one email per person with every upcoming date, one .ics each."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from icalendar import Calendar

from binome.cohorts.models import Audience, ItemKind, Workshop, WorkshopInvitation
from binome.cohorts.services import publish_calendar, upcoming_workshops
from binome.cohorts.tests.conftest import Programme, run_worker
from binome.lib.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def _calendars(message: Any) -> list[Calendar]:
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return [Calendar.from_ical(p.get_payload(decode=True)) for p in parts]


def _for(workshops: list[Workshop], audience: str) -> set[str]:
    return {w.uid for w in workshops if w.audience in (audience, Audience.BOTH)}


def test_publishing_sends_each_person_one_email_with_every_date_and_an_ics_per_workshop(
    programme: Programme, client_for: Any, django_capture_on_commit_callbacks: Any, keep_the_test_transaction: None
) -> None:
    cohort = programme.cohort
    workshops = upcoming_workshops(cohort)
    assert len(workshops) > 3
    client = client_for(programme.cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/cohorts/{cohort.pk}/calendar/publish/", follow=True)
    page = response.content.decode()
    assert "2 email(s)" in page or "2 e-mail" in page or "2 courriel" in page
    assert "waiting in the queue" in page or "en file d" in page  # the queue before the worker runs
    assert OutgoingMessage.objects.filter(sent_at__isnull=True).count() == 2
    run_worker()

    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == sorted([programme.cast.ben.person.email, programme.cast.chloe.person.email])
    for email, audience in (
        (programme.cast.ben.person.email, Audience.MENTORS),
        (programme.cast.chloe.person.email, Audience.MENTEES),
    ):
        calendars = _calendars(by_person[email])
        assert {str(c.events[0]["UID"]) for c in calendars} == _for(workshops, audience)
        assert len(calendars) == len(_for(workshops, audience))  # one file per workshop
        assert all(c["METHOD"] == "REQUEST" for c in calendars)
    assert WorkshopInvitation.objects.filter(workshop__cohort=cohort).count() == len(
        _for(workshops, Audience.MENTORS)
    ) + len(_for(workshops, Audience.MENTEES))

    # Publishing again sends nothing: everyone is invited.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/staff/cohorts/{cohort.pk}/calendar/publish/", follow=True)
    assert again.status_code == 200
    run_worker()
    assert mail.outbox == []


def test_publishing_only_sends_the_dates_someone_is_not_invited_to_yet(
    programme: Programme, django_capture_on_commit_callbacks: Any
) -> None:
    from binome.cohorts.tests.test_workshops import invite
    from binome.pairing.workshops import cohort_members

    kick_off = programme.workshop(ItemKind.KICK_OFF)
    invite(kick_off, actor=programme.cast.amara)
    OutgoingMessage.objects.all().delete()
    members = {audience: cohort_members(programme.cohort, audience) for audience in Audience.values}
    published = publish_calendar(programme.cohort, members=members, actor=programme.cast.amara)
    assert published.emails == published.people == 2
    chloe = OutgoingMessage.objects.get(person_id=programme.cast.chloe.person_id)
    uids = [str(Calendar.from_ical(text).events[0]["UID"]) for text in chloe.calendars]
    assert kick_off.uid not in uids
    assert len(uids) == len(_for(upcoming_workshops(programme.cohort), Audience.MENTEES)) - 1
    assert chloe.territory_id == programme.cohort.territory_id


def test_a_coordinator_cannot_publish_another_territory_s_calendar(programme: Programme, client_for: Any) -> None:
    response = client_for(programme.cast.amara).post(f"/staff/cohorts/{programme.lyon_cohort.pk}/calendar/publish/")
    assert response.status_code == 404
    assert not WorkshopInvitation.objects.filter(workshop__cohort=programme.lyon_cohort).exists()


def test_the_calendar_page_offers_publishing_with_localised_month_names(programme: Programme, client_for: Any) -> None:
    page = client_for(programme.cast.amara).get(f"/staff/cohorts/{programme.cohort.pk}/calendar/").content.decode()
    assert f'action="/staff/cohorts/{programme.cohort.pk}/calendar/publish/"' in page
    assert "Publier le calendrier" in page
    for english in (" Mar 2027", " Apr 2027", " Jun 2027", " Jul 2027", " Jui 2027"):
        assert english not in page
    assert "avr. 2027" in page  # French abbreviations
