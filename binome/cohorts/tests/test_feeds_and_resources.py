"""The private calendar feed, its management page, teaching material, and the two
selectors the meeting log's hours and engagement rules read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from binome.accounts.models import User
from binome.cohorts.models import CalendarFeed, ItemKind, Workshop, WorkshopInvitation
from binome.cohorts.selectors import missed_workshops_by_person, workshop_minutes_by_mentor
from binome.cohorts.services import Invited, cancel_workshop, invite_to_workshop
from binome.cohorts.tests.conftest import Programme
from binome.pairing.workshops import cohort_members

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def invite(workshop: Workshop, *, actor: User) -> Invited:
    """Invite the people the workshop is for, as the staff page does."""
    return invite_to_workshop(workshop, members=cohort_members(workshop.cohort, workshop.audience), actor=actor)


def _feed_url(client: Any) -> str:
    client.post("/calendar/", {"action": "regenerate"})
    token = CalendarFeed.objects.latest("pk").token
    return f"/calendar/{token}.ics"


def test_the_feed_works_without_signing_in_and_lists_the_persons_workshops(
    programme: Programme, client: Any, client_for: Any
) -> None:
    url = _feed_url(client_for(programme.cast.chloe_user))
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    titles = {str(e["SUMMARY"]) for e in calendar.events}
    assert "Lancement de la promotion" in titles
    assert "Atelier : les codes professionnels en France" in titles  # for mentees
    assert "Journée de formation des mentors" not in titles  # for mentors only
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in calendar.events)
    assert "Lyon" not in response.content.decode()


def test_a_mentor_feed_has_the_mentor_workshops_and_their_training_session(
    programme: Programme, client: Any, client_for: Any
) -> None:
    from binome.sourcing.models import TrainingAttendance, TrainingSession

    session = TrainingSession.objects.create(
        territory=programme.cast.paris, starts_at=datetime(2027, 2, 10, 9, tzinfo=PARIS), place="Acme, salle 3"
    )
    TrainingAttendance.objects.create(session=session, mentor=programme.cast.ben)
    url = _feed_url(client_for(programme.cast.ben_user))
    client.logout()
    events = Calendar.from_ical(client.get(url).content).events
    assert f"training-{session.pk}@binome" in {str(e["UID"]) for e in events}
    assert "Journée de formation des mentors" in {str(e["SUMMARY"]) for e in events}
    assert "Atelier : les codes professionnels en France" not in {str(e["SUMMARY"]) for e in events}


def test_a_cancelled_workshop_stays_in_the_feed_marked_cancelled(
    programme: Programme, client: Any, client_for: Any
) -> None:
    kick_off = programme.workshop(ItemKind.KICK_OFF)
    cancel_workshop(kick_off, actor=programme.cast.amara)
    url = _feed_url(client_for(programme.cast.chloe_user))
    event = next(e for e in Calendar.from_ical(client.get(url).content).events if str(e["UID"]) == kick_off.uid)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_revoked_token_is_not_found_and_a_regenerated_one_differs(
    programme: Programme, client: Any, client_for: Any
) -> None:
    owner = client_for(programme.cast.chloe_user)
    first = _feed_url(owner)
    second = _feed_url(owner)
    assert first != second
    assert client.get(first).status_code == 404  # regenerating retires the old link
    assert client.get(second).status_code == 200
    owner = client_for(programme.cast.chloe_user)
    owner.post("/calendar/", {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=programme.cast.chloe_user).exists()
    assert client.get(second).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_feed_of_a_deactivated_account_is_not_found(programme: Programme, client: Any, client_for: Any) -> None:
    url = _feed_url(client_for(programme.cast.chloe_user))
    programme.cast.chloe_user.is_active = False
    programme.cast.chloe_user.save()
    assert client.get(url).status_code == 404


def test_the_feed_page_shows_the_link_only_to_its_owner(programme: Programme, client_for: Any) -> None:
    _feed_url(client_for(programme.cast.chloe_user))
    token = CalendarFeed.objects.get(user=programme.cast.chloe_user).token
    assert token in client_for(programme.cast.chloe_user).get("/calendar/").content.decode()
    assert token not in client_for(programme.cast.ben_user).get("/calendar/").content.decode()
    assert token not in client_for(programme.cast.amara).get("/calendar/").content.decode()
    assert client_for(None).get("/calendar/").status_code == 302


def test_the_calendar_page_lists_what_is_to_come_with_add_to_calendar_links(
    programme: Programme, client: Any, client_for: Any, frozen: Any
) -> None:
    kick_off = programme.workshop(ItemKind.KICK_OFF)
    mentee = client_for(programme.cast.chloe_user)
    first = mentee.post("/calendar/", {"action": "regenerate"}, follow=True).content.decode()
    assert "Votre lien de calendrier est prêt." in first  # no old link to speak of
    assert "ne fonctionne plus" not in first

    page = mentee.get("/calendar/").content.decode()
    upcoming = page[page.index('id="upcoming"') :]
    assert f'id="workshop-{kick_off.pk}"' in upcoming
    assert f"/calendar/workshops/{kick_off.pk}.ics" in upcoming
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in upcoming
    assert "outlook.live.com/calendar/0/deeplink/compose" in upcoming
    # A new link only behind its explanation (a <details>), as a secondary action.
    assert page.index('class="reset-link"') < page.index('value="regenerate"')

    one = mentee.get(f"/calendar/workshops/{kick_off.pk}.ics")
    assert one.status_code == 200
    assert one["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(one.content).events
    assert str(event["UID"]) == kick_off.uid
    assert "METHOD" not in Calendar.from_ical(one.content)  # a file to add, not an invitation to answer
    lyon = programme.workshop(ItemKind.KICK_OFF, programme.lyon_cohort)
    assert mentee.get(f"/calendar/workshops/{lyon.pk}.ics").status_code == 404  # not hers
    assert client_for(programme.cast.leila_user).get(f"/calendar/workshops/{kick_off.pk}.ics").status_code == 404

    # Once it has ended, a workshop leaves "coming up" for "past".
    frozen.move_to(kick_off.ends_at + (kick_off.ends_at - kick_off.starts_at))
    later = client_for(programme.cast.chloe_user).get("/calendar/").content.decode()  # a new session, days later
    assert f'id="workshop-{kick_off.pk}"' not in later
    assert "Ateliers passés" in later[later.index('id="past"') :]


def test_a_coordinators_feed_has_every_workshop_of_their_territory(
    programme: Programme, client: Any, client_for: Any
) -> None:
    url = _feed_url(client_for(programme.cast.amara))
    events = Calendar.from_ical(client.get(url).content).events
    assert {str(e["UID"]) for e in events} == set(programme.cohort.workshops.values_list("uid", flat=True))


# --- resources -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected", "not_expected"),
    [
        ("fr", "Le contrat de travail", "Employment contracts"),
        ("en", "Employment contracts", "Le contrat de travail"),
        ("ar", "عقد العمل", "Employment contracts"),
    ],
)
def test_a_mentee_reads_the_guides_of_their_cohort_in_their_language(
    programme: Programme, client_for: Any, lang: str, expected: str, not_expected: str
) -> None:
    page = client_for(programme.cast.chloe_user).get("/resources/", {"lang": lang}).content.decode()
    assert expected in page
    assert not_expected not in page
    assert "Le rôle du mentor" not in page  # a guide for mentors
    if lang == "ar":
        assert 'dir="rtl"' in page


def test_the_resources_page_follows_the_page_language_without_javascript(programme: Programme, client_for: Any) -> None:
    client = client_for(programme.cast.chloe_user)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/resources/"})
    page = client.get("/resources/").content.decode()
    assert "عقد العمل" in page
    assert "<script" not in page.split("</head>")[1].split("<footer")[0]


def test_a_mentor_sees_the_mentor_guides_and_an_unknown_language_falls_back(
    programme: Programme, client_for: Any
) -> None:
    page = client_for(programme.cast.ben_user).get("/resources/", {"lang": "xx"}).content.decode()
    assert "Le rôle du mentor" in page


def test_a_mentee_outside_any_cohort_with_a_template_sees_no_resources(cast: Any, client_for: Any) -> None:
    page = client_for(cast.chloe_user).get("/resources/").content.decode()  # the cast's cohort has no template
    assert "Le contrat de travail" not in page


def test_an_uploaded_document_is_downloaded_only_by_the_cohorts_members(
    programme: Programme, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile

    from binome.cohorts.models import Resource

    settings.MEDIA_ROOT = tmp_path
    item = programme.workshop(ItemKind.CODES_WORKSHOP).item
    document = Resource(item=item, title="Fiche CV", kind=Resource.Kind.DOCUMENT, language="fr", audience="both")
    document.file.save("fiche-cv.pdf", ContentFile(b"%PDF-1.4 fiche"), save=True)
    url = f"/resources/{document.pk}/file/"
    assert url in client_for(programme.cast.chloe_user).get("/resources/").content.decode()
    response = client_for(programme.cast.chloe_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fiche"
    assert "attachment" in response["Content-Disposition"]
    # A company contact is in no cohort: not found, like any record outside one's scope.
    assert client_for(programme.cast.hugo).get(url).status_code == 404
    assert client_for(programme.cast.chloe_user).get(f"/resources/{document.pk + 1000}/file/").status_code == 404
    assert client_for(None).get(url).status_code == 302


# --- selectors for meetings/ ----------------------------------------------------------------


def _attend(programme: Programme, kind: str, present: dict[int, bool]) -> Any:
    workshop = programme.workshop(kind)
    invite(workshop, actor=programme.cast.amara)
    for invitation in WorkshopInvitation.objects.filter(workshop=workshop, person_id__in=present):
        invitation.present = present[invitation.person_id]
        invitation.save()
    return workshop


def test_workshop_minutes_by_mentor_counts_attended_workshops_in_the_period(
    programme: Programme, django_assert_num_queries: Any, frozen: Any
) -> None:
    ben, dev = programme.cast.ben, programme.cast.dev
    kick_off = _attend(programme, ItemKind.KICK_OFF, {ben.person_id: True})  # 150 minutes
    _attend(programme, ItemKind.MID_POINT, {ben.person_id: False})  # absent: not counted
    _attend(programme, ItemKind.MENTOR_TRAINING, {ben.person_id: True})  # counted with training, not here
    networking = _attend(programme, ItemKind.NETWORKING, {ben.person_id: True})  # 150, later
    day = kick_off.starts_at.astimezone(PARIS).date()
    with django_assert_num_queries(1):
        minutes = workshop_minutes_by_mentor([ben.pk, dev.pk], day, day)
    assert minutes == {ben.pk: 150}
    frozen.move_to(datetime(2027, 9, 1, tzinfo=PARIS))
    assert workshop_minutes_by_mentor([ben.pk], date(2027, 1, 1), date(2027, 12, 31)) == {ben.pk: 300}
    cancel_workshop(networking, actor=None)
    assert workshop_minutes_by_mentor([ben.pk], date(2027, 1, 1), date(2027, 12, 31)) == {ben.pk: 150}


def test_missed_workshops_by_person_counts_absences_at_workshops_that_took_place(
    programme: Programme, django_assert_num_queries: Any, frozen: Any
) -> None:
    chloe, ben = programme.cast.chloe.person_id, programme.cast.ben.person_id
    _attend(programme, ItemKind.KICK_OFF, {chloe: False, ben: True})
    _attend(programme, ItemKind.CODES_WORKSHOP, {chloe: False})
    future = _attend(programme, ItemKind.CLOSING, {chloe: False})  # marked early but not held yet
    cancelled = _attend(programme, ItemKind.MID_POINT, {chloe: False})
    cancel_workshop(cancelled, actor=None)
    frozen.move_to(datetime(2027, 5, 1, tzinfo=PARIS))
    with django_assert_num_queries(1):
        missed = missed_workshops_by_person([chloe, ben], since=date(2027, 1, 1))
    assert missed == {chloe: 2}
    assert missed_workshops_by_person([chloe], since=date(2027, 3, 10)) == {chloe: 1}
    assert future.starts_at > datetime(2027, 5, 1, tzinfo=PARIS)
