"""Mentor training: sessions, registration, attendance in one tap, waivers; staff of the territory only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from binome.audit.models import AuditEvent
from binome.people.models import MentorProfile
from binome.sourcing.models import TrainingAttendance, TrainingSession
from binome.sourcing.tests.enrolment_fixtures import a_date, new_mentor, session
from binome.sourcing.training import mark_attendance, register_mentors, session_date
from conftest import Cast

T = MentorProfile.Training


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The emails the training service hands to the mail queue."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("binome.sourcing.training.send_email", lambda **kw: calls.append(kw))
    return calls


def _reload(mentor: MentorProfile) -> MentorProfile:
    return MentorProfile.objects.get(pk=mentor.pk)


# --- sessions ---------------------------------------------------------------------------
def test_a_coordinator_creates_a_session_in_her_territory(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    response = client.post(
        reverse("sourcing:training"),
        {
            "territory": cast.paris.pk,
            "day": a_date(20).isoformat(),
            "start_time": "09:30",
            "place": "Mairie du 11e",
            "capacity": "12",
            "facilitator": "Amara",
        },
    )
    created = TrainingSession.objects.get(place="Mairie du 11e")
    assert response["Location"] == reverse("sourcing:training_session", args=[created.pk])
    assert created.territory == cast.paris
    assert session_date(created) == a_date(20)
    assert timezone.localtime(created.starts_at).hour == 9
    assert AuditEvent.objects.filter(verb="created", target_type="sourcing.trainingsession").exists()
    assert "Mairie du 11e" in client.get(reverse("sourcing:training")).content.decode()


@pytest.mark.parametrize(
    "changes",
    [{"territory": "lyon"}, {"day": "2027-02-30"}, {"capacity": "0"}, {"place": ""}, {"start_time": "25:00"}],
)
def test_a_bad_session_re_renders_and_saves_nothing(cast: Cast, client_for: Any, changes: dict[str, str]) -> None:
    data = {"territory": cast.paris.pk, "day": a_date(20).isoformat(), "start_time": "09:30", "place": "Ici"}
    data["capacity"] = "12"
    if changes.get("territory") == "lyon":
        changes = {"territory": str(cast.lyon.pk)}  # not one of Amara's territories
    data.update(changes)
    response = client_for(cast.amara).post(reverse("sourcing:training"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_the_training_page_lists_only_the_coordinators_territory(cast: Cast, client_for: Any) -> None:
    paris, lyon = session(cast.paris), session(cast.lyon)
    page = client_for(cast.lucie).get(reverse("sourcing:training"))
    assert list(page.context["upcoming"]) == [lyon]
    assert paris not in page.context["upcoming"]


# --- registration -----------------------------------------------------------------------
def test_registering_mentors_schedules_them_and_emails_each_their_session(
    cast: Cast, client_for: Any, sent: list[dict[str, Any]]
) -> None:
    ines, jules = new_mentor(cast.acme, "Inès"), new_mentor(cast.boulangerie, "Jules")
    planned = session(cast.paris)
    client = client_for(cast.amara)
    page = client.get(reverse("sourcing:training_session", args=[planned.pk]))
    candidates = list(page.context["register_form"].fields["mentors"].queryset)
    assert ines in candidates
    assert jules in candidates
    assert cast.ben not in candidates  # already trained
    assert cast.dev not in candidates  # Lyon

    response = client.post(reverse("sourcing:training_register", args=[planned.pk]), {"mentors": [ines.pk, jules.pk]})

    assert response.status_code == 302
    assert set(planned.attendances.values_list("mentor_id", flat=True)) == {ines.pk, jules.pk}
    assert _reload(ines).training_status == T.SCHEDULED
    assert sorted(mail["to"][0] for mail in sent) == ["ines@acme.test", "jules@acme.test"]
    assert planned.place in sent[0]["body"]
    assert AuditEvent.objects.filter(verb="registered", actor=cast.amara, target_id=str(ines.pk)).exists()


def test_a_mentor_of_another_territory_cannot_be_registered(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    planned = session(cast.paris)
    cast.dev.training_status = T.NOT_STARTED
    cast.dev.save()
    client_for(cast.amara).post(reverse("sourcing:training_register", args=[planned.pk]), {"mentors": [cast.dev.pk]})
    assert not planned.attendances.exists()
    assert _reload(cast.dev).training_status == T.NOT_STARTED
    assert sent == []


def test_a_full_session_takes_nobody_more(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    planned = session(cast.paris, capacity=1)
    ines, jules = new_mentor(cast.acme, "Inès"), new_mentor(cast.acme, "Jules")
    client_for(cast.amara).post(
        reverse("sourcing:training_register", args=[planned.pk]), {"mentors": [ines.pk, jules.pk]}
    )
    assert not planned.attendances.exists()
    assert _reload(ines).training_status == T.NOT_STARTED
    assert sent == []


def test_register_everyone_fills_the_places_left_in_the_lists_order(
    cast: Cast, client_for: Any, sent: list[Any]
) -> None:
    planned = session(cast.paris, capacity=2)
    for name in ("Inès", "Jules", "Karim"):
        new_mentor(cast.acme, name)
    # The list, from its definition: the territory's mentors neither trained nor exempted, by last
    # name, first name, then id.
    waiting = [
        m
        for m in MentorProfile.objects.filter(person__territory=cast.paris).select_related("person")
        if m.training_status in (T.NOT_STARTED, T.SCHEDULED)
    ]
    listed = sorted(waiting, key=lambda m: (m.person.last_name, m.person.first_name, m.pk))
    assert len(listed) >= 3
    client = client_for(cast.amara)
    page = client.get(reverse("sourcing:training_session", args=[planned.pk])).content.decode()
    assert "Inscrire les 2 premiers de la liste" in page  # more to register than places

    response = client.post(reverse("sourcing:training_register", args=[planned.pk]), {"everyone": "1"})

    assert response.status_code == 302
    assert set(planned.attendances.values_list("mentor_id", flat=True)) == {m.pk for m in listed[:2]}
    assert len(sent) == 2
    # Nothing ticked and no "everyone": a clear error, nobody registered.
    other = session(cast.paris, capacity=5)
    refused = client.post(reverse("sourcing:training_register", args=[other.pk]), {}, follow=True)
    assert "Choisissez au moins un mentor à inscrire." in refused.content.decode()
    assert not other.attendances.exists()


# --- attendance -------------------------------------------------------------------------
def test_one_tap_present_trains_the_mentor_and_absent_undoes_it(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    held = session(cast.paris, days_from_now=-2)
    register_mentors(held, [ines], actor=cast.amara)
    attendance = held.attendances.get()
    client = client_for(cast.amara)
    url = reverse("sourcing:training_mark", args=[held.pk, attendance.pk])

    row = client.post(url, {"present": "1"}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    assert f'id="attendance-{attendance.pk}"' in row.content.decode()
    ines = _reload(ines)
    assert ines.training_status == T.COMPLETED
    assert ines.trained_on == a_date(-2)
    assert ines.is_matchable

    # Without JavaScript: a plain post, back to the list.
    back = client.post(url, {"present": "0"})
    assert back["Location"] == reverse("sourcing:training_session", args=[held.pk])
    ines = _reload(ines)
    assert ines.training_status == T.NOT_STARTED
    assert ines.trained_on is None
    assert not ines.is_matchable
    assert AuditEvent.objects.filter(verb="attendance", actor=cast.amara, target_id=str(ines.pk)).count() == 2


def test_absent_keeps_a_training_another_session_gave(cast: Cast, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    first, second = session(cast.paris, days_from_now=-40), session(cast.paris, days_from_now=-3)
    register_mentors(first, [ines], actor=cast.amara)
    mark_attendance(first.attendances.get(), present=True, actor=cast.amara)
    TrainingAttendance.objects.create(session=second, mentor=ines)
    mark_attendance(second.attendances.get(), present=True, actor=cast.amara)
    assert _reload(ines).trained_on == a_date(-40)  # the first day counts

    mark_attendance(second.attendances.get(), present=False, actor=cast.amara)
    assert (_reload(ines).training_status, _reload(ines).trained_on) == (T.COMPLETED, a_date(-40))
    mark_attendance(first.attendances.get(), present=False, actor=cast.amara)
    assert (_reload(ines).training_status, _reload(ines).trained_on) == (T.NOT_STARTED, None)


def test_absent_at_one_session_leaves_a_mentor_registered_for_a_later_one_scheduled(
    cast: Cast, sent: list[Any]
) -> None:
    ines = new_mentor(cast.acme)
    missed, later = session(cast.paris, days_from_now=-3), session(cast.paris, days_from_now=10)
    register_mentors(missed, [ines], actor=cast.amara)
    register_mentors(later, [ines], actor=cast.amara)
    mark_attendance(missed.attendances.get(), present=False, actor=cast.amara)
    assert _reload(ines).training_status == T.SCHEDULED


def test_absent_after_present_gives_back_an_earlier_waiver(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    client_for(cast.amara).post(
        reverse("sourcing:training_waive", args=[ines.person_id]), {"reason": "Formée par un autre programme"}
    )
    held = session(cast.paris, days_from_now=-1)
    attendance = TrainingAttendance.objects.create(session=held, mentor=ines)
    mark_attendance(attendance, present=True, actor=cast.amara)
    assert _reload(ines).training_status == T.COMPLETED
    mark_attendance(attendance, present=False, actor=cast.amara)
    assert _reload(ines).training_status == T.WAIVED


def test_an_odd_attendance_value_changes_nothing(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    held = session(cast.paris, days_from_now=-1)
    register_mentors(held, [ines], actor=cast.amara)
    attendance = held.attendances.get()
    response = client_for(cast.amara).post(
        reverse("sourcing:training_mark", args=[held.pk, attendance.pk]), {"present": "maybe"}
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.present is None
    assert _reload(ines).training_status == T.SCHEDULED


def test_attendance_waits_for_the_day_of_the_session(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    coming = session(cast.paris, days_from_now=3)
    register_mentors(coming, [ines], actor=cast.amara)
    attendance = coming.attendances.get()
    client = client_for(cast.amara)
    assert client.get(reverse("sourcing:training_session", args=[coming.pk])).context["attendance_open"] is False
    client.post(reverse("sourcing:training_mark", args=[coming.pk, attendance.pk]), {"present": "1"})
    attendance.refresh_from_db()
    assert attendance.present is None
    assert _reload(ines).training_status == T.SCHEDULED


def test_an_attendance_of_another_session_is_not_found_through_this_one(cast: Cast, client_for: Any) -> None:
    one, other = session(cast.paris), session(cast.paris, days_from_now=3)
    attendance = TrainingAttendance.objects.create(session=other, mentor=new_mentor(cast.acme))
    response = client_for(cast.amara).post(
        reverse("sourcing:training_mark", args=[one.pk, attendance.pk]), {"present": "1"}
    )
    assert response.status_code == 404


def test_a_mentor_taken_off_the_list_is_no_longer_scheduled(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    coming = session(cast.paris, days_from_now=5)
    register_mentors(coming, [ines], actor=cast.amara)
    attendance = coming.attendances.get()
    response = client_for(cast.amara).post(reverse("sourcing:training_unregister", args=[coming.pk, attendance.pk]))
    assert response.status_code == 302
    assert not coming.attendances.exists()
    assert _reload(ines).training_status == T.NOT_STARTED
    assert AuditEvent.objects.filter(verb="unregistered", actor=cast.amara, target_id=str(ines.pk)).exists()


def test_someone_whose_attendance_is_taken_stays_on_the_list(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    held = session(cast.paris, days_from_now=-1)
    register_mentors(held, [ines], actor=cast.amara)
    attendance = held.attendances.get()
    mark_attendance(attendance, present=True, actor=cast.amara)
    client = client_for(cast.amara)
    client.post(reverse("sourcing:training_unregister", args=[held.pk, attendance.pk]))
    assert held.attendances.filter(pk=attendance.pk, present=True).exists()
    assert _reload(ines).training_status == T.COMPLETED
    assert (
        client_for(cast.lucie).post(reverse("sourcing:training_unregister", args=[held.pk, attendance.pk])).status_code
        == 404
    )


# --- waivers ----------------------------------------------------------------------------
def test_a_waiver_needs_a_written_reason(cast: Cast, client_for: Any) -> None:
    ines = new_mentor(cast.acme)
    client = client_for(cast.amara)
    url = reverse("sourcing:training_waive", args=[ines.person_id])
    for blank in ("", "   "):
        response = client.post(url, {"reason": blank})
        assert response.status_code == 400
        assert "reason" in response.context["form"].errors
        assert _reload(ines).training_status == T.NOT_STARTED

    response = client.post(url, {"reason": "A déjà suivi la formation Kodiko en 2025"})
    assert response["Location"] == reverse("people:person", args=[ines.person_id])
    ines = _reload(ines)
    assert ines.training_status == T.WAIVED
    assert ines.training_waiver_reason == "A déjà suivi la formation Kodiko en 2025"
    assert ines.is_matchable
    event = AuditEvent.objects.get(verb="waived_training", target_id=str(ines.pk))
    assert event.actor == cast.amara
    assert "Kodiko" not in str(event.details)  # field names only, never the values
    assert "Kodiko" in client.get(reverse("people:person", args=[ines.person_id])).content.decode()


def test_a_trained_mentor_needs_no_waiver(cast: Cast, client_for: Any) -> None:
    response = client_for(cast.amara).post(
        reverse("sourcing:training_waive", args=[cast.ben.person_id]), {"reason": "x"}
    )
    assert response.status_code == 400
    assert _reload(cast.ben).training_status == T.COMPLETED
    assert _reload(cast.ben).training_waiver_reason == ""


def test_the_person_page_of_an_untrained_mentor_offers_the_waiver(cast: Cast, client_for: Any) -> None:
    ines = new_mentor(cast.acme)
    page = client_for(cast.amara).get(reverse("people:person", args=[ines.person_id])).content.decode()
    assert reverse("sourcing:training_waive", args=[ines.person_id]) in page


# --- the mentor's own view --------------------------------------------------------------
def test_the_mentor_portal_shows_the_training_status_and_the_next_sessions(
    cast: Cast, client_for: Any, sent: list[Any]
) -> None:
    cast.ben.training_status = T.NOT_STARTED
    cast.ben.trained_on = None
    cast.ben.save()
    mine, other = session(cast.paris, days_from_now=30), session(cast.paris, days_from_now=10)
    session(cast.lyon, days_from_now=5)
    session(cast.paris, days_from_now=-5)
    register_mentors(mine, [cast.ben], actor=cast.amara)
    page = client_for(cast.ben_user).get(reverse("mentor_portal"))
    assert page.context["training_sessions"] == [mine, other]  # own registration first, no Lyon, no past
    assert page.context["registered"] is True
    assert "Maison des associations" in page.content.decode()


# --- who may --------------------------------------------------------------------------
def test_a_lyon_coordinator_gets_404_on_a_paris_session(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    paris = session(cast.paris, days_from_now=-1)
    attendance = TrainingAttendance.objects.create(session=paris, mentor=ines)
    client = client_for(cast.lucie)
    assert client.get(reverse("sourcing:training_session", args=[paris.pk])).status_code == 404
    assert (
        client.post(reverse("sourcing:training_register", args=[paris.pk]), {"mentors": [ines.pk]}).status_code == 404
    )
    assert (
        client.post(reverse("sourcing:training_mark", args=[paris.pk, attendance.pk]), {"present": "1"}).status_code
        == 404
    )
    assert client.post(reverse("sourcing:training_waive", args=[ines.person_id]), {"reason": "x"}).status_code == 404
    attendance.refresh_from_db()
    assert attendance.present is None
    assert _reload(ines).training_status == T.NOT_STARTED


@pytest.mark.parametrize("who", ["hugo", "ben_user", "chloe_user", "farah", "fiona"])
def test_non_staff_are_refused_every_training_page(cast: Cast, client_for: Any, who: str) -> None:
    """403 on the section's list; 404 on a session's or a mentor's pages (outside their scope)."""
    held = session(cast.paris, days_from_now=-1)
    attendance = TrainingAttendance.objects.create(session=held, mentor=cast.ben)
    client = client_for(getattr(cast, who))
    assert client.get(reverse("sourcing:training")).status_code == 403
    assert client.get(reverse("sourcing:training_session", args=[held.pk])).status_code == 404
    assert client.post(reverse("sourcing:training_register", args=[held.pk])).status_code == 404
    marking = client.post(reverse("sourcing:training_mark", args=[held.pk, attendance.pk]), {"present": "0"})
    assert marking.status_code == 404
    assert (
        client.post(reverse("sourcing:training_waive", args=[cast.ben.person_id]), {"reason": "x"}).status_code == 404
    )
    attendance.refresh_from_db()
    assert attendance.present is None


def test_a_session_page_has_a_bounded_number_of_queries(
    cast: Cast, client_for: Any, django_assert_max_num_queries: Any, sent: list[Any]
) -> None:
    held = session(cast.paris, days_from_now=-1)
    register_mentors(held, [new_mentor(cast.acme, f"M{n}") for n in range(8)], actor=cast.amara)
    client = client_for(cast.amara)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("sourcing:training_session", args=[held.pk])).status_code == 200
    assert held.starts_at < timezone.now() + timedelta(days=1)


# --- everyone present, then the exceptions; a past session emails nobody -------------------
def test_mark_everyone_present_then_the_exceptions_absent(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines, jules, kim = (new_mentor(cast.acme, name) for name in ("Inès", "Jules", "Kim"))
    held = session(cast.paris, days_from_now=-1)
    register_mentors(held, [ines, jules, kim], actor=cast.amara)
    kim_row = held.attendances.get(mentor=kim)
    client = client_for(cast.amara)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the English source text
    client.post(reverse("sourcing:training_mark", args=[held.pk, kim_row.pk]), {"present": "0"})  # known absent
    page = client.get(reverse("sourcing:training_session", args=[held.pk])).content.decode()
    assert "Mark everyone present" in page

    response = client.post(reverse("sourcing:training_mark_all", args=[held.pk]), follow=True)
    assert "2 mentor(s) marked present" in response.content.decode()
    assert "Mark everyone present" not in response.content.decode()  # nobody left to mark
    assert [_reload(m).training_status for m in (ines, jules, kim)] == [T.COMPLETED, T.COMPLETED, T.NOT_STARTED]
    # Then an exception: Jules did not come after all.
    jules_row = held.attendances.get(mentor=jules)
    client.post(reverse("sourcing:training_mark", args=[held.pk, jules_row.pk]), {"present": "0"})
    assert _reload(jules).training_status == T.NOT_STARTED
    assert AuditEvent.objects.filter(verb="attendance", actor=cast.amara, target_id=str(ines.pk)).count() == 1


def test_everyone_present_waits_for_the_day_of_the_session(cast: Cast, client_for: Any, sent: list[Any]) -> None:
    ines = new_mentor(cast.acme)
    planned = session(cast.paris, days_from_now=3)
    register_mentors(planned, [ines], actor=cast.amara)
    client = client_for(cast.amara)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the English source text
    page = client.get(reverse("sourcing:training_session", args=[planned.pk])).content.decode()
    assert "Mark everyone present" not in page
    response = client.post(reverse("sourcing:training_mark_all", args=[planned.pk]), follow=True)
    assert "Attendance can be taken from the day of the session." in response.content.decode()
    assert _reload(ines).training_status == T.SCHEDULED


def test_registering_people_for_a_past_session_emails_nobody_and_says_so(
    cast: Cast, client_for: Any, sent: list[Any]
) -> None:
    ines = new_mentor(cast.acme)
    held = session(cast.paris, days_from_now=-7)
    client = client_for(cast.amara)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the English source text
    assert "nobody is emailed" in client.get(reverse("sourcing:training_session", args=[held.pk])).content.decode()
    response = client.post(reverse("sourcing:training_register", args=[held.pk]), {"mentors": [ines.pk]}, follow=True)
    assert "The session is past: nobody was emailed." in response.content.decode()
    assert held.attendances.filter(mentor=ines).exists()
    assert sent == []
