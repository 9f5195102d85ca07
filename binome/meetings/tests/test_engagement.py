"""Engagement rules with frozen time: alerts raised, resolved, snoozed; reminders throttled;
`run_daily` idempotent; the "needs attention" page scoped and in constant queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import Role, User
from binome.cohorts.models import Workshop, WorkshopInvitation
from binome.meetings import engagement, selectors, services
from binome.meetings.models import Alert, EngagementRules, Reminder
from binome.pairing import duo_life
from binome.pairing.models import Duo
from binome.people.services import create_mentee_profile, create_person
from conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db

STARTED = date(2026, 3, 8)  # the cast's duos started then
PARIS_TZ = ZoneInfo("Europe/Paris")


def meeting(duo: Duo, day: date, *, by: Any, author: str = "mentee") -> Any:
    """A meeting; a coordinator's entry comes with the mentee's confirmation (a confirmed meeting)."""
    recorded = services.record_meeting(
        duo, actor=by, author=author, held_on=day, duration_minutes=60, mode="video", topics=["cv"]
    )
    if author == "staff":
        services.confirm_meeting(recorded, actor=by, as_role="mentee")
    return recorded


def kinds(duo: Duo) -> set[str]:
    return set(Alert.objects.filter(duo=duo, status=Alert.Status.OPEN).values_list("kind", flat=True))


def test_no_first_meeting_raises_after_fourteen_days_not_before(cast: Cast) -> None:
    engagement.evaluate(STARTED + timedelta(days=13))
    assert kinds(cast.paris_duo) == set()
    engagement.evaluate(STARTED + timedelta(days=14))
    assert kinds(cast.paris_duo) == {"no_first_meeting"}


def test_a_confirmed_meeting_makes_the_alert_go_at_once(cast: Cast) -> None:
    engagement.evaluate(STARTED + timedelta(days=20))
    assert kinds(cast.paris_duo) == {"no_first_meeting"}
    with time_machine.travel(date(2026, 3, 28), tick=False):
        held = meeting(cast.paris_duo, date(2026, 3, 27), by=cast.chloe_user)
        assert kinds(cast.paris_duo) == {"no_first_meeting"}  # not confirmed yet: does not count
        services.confirm_meeting(held, actor=cast.ben_user, as_role="mentor")
    assert kinds(cast.paris_duo) == set()
    alert = Alert.objects.get(duo=cast.paris_duo)
    assert alert.status == Alert.Status.RESOLVED
    assert [n.action for n in alert.notes.all()] == ["raised", "auto_resolved"]


def test_silence_after_twenty_one_days_since_the_last_confirmed_meeting(cast: Cast) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        meeting(cast.paris_duo, date(2026, 4, 1), by=cast.amara, author="staff")
    engagement.evaluate(date(2026, 4, 21))
    assert kinds(cast.paris_duo) == set()
    engagement.evaluate(date(2026, 4, 22))
    assert kinds(cast.paris_duo) == {"silence"}
    assert Alert.objects.get(duo=cast.paris_duo).details == {"days": 21, "last": "2026-04-01"}


def test_thresholds_are_data_per_territory(cast: Cast) -> None:
    EngagementRules.objects.create(territory=cast.paris, first_meeting_days=30)
    engagement.evaluate(STARTED + timedelta(days=20))
    assert kinds(cast.paris_duo) == set()
    assert kinds(cast.lyon_duo) == {"no_first_meeting"}  # Lyon keeps the default of 14 days


def test_a_paused_duo_raises_nothing_and_gets_no_reminder(cast: Cast) -> None:
    duo_life.change_duo_status(cast.paris_duo, Duo.Status.PAUSED, actor=cast.amara, reason="Maladie")
    engagement.evaluate(STARTED + timedelta(days=40))
    assert kinds(cast.paris_duo) == set()
    engagement.send_reminders(STARTED + timedelta(days=40))
    assert not Reminder.objects.filter(duo=cast.paris_duo).exists()


def test_reminders_go_at_most_once_a_week_per_duo(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    day = STARTED + timedelta(days=15)
    engagement.evaluate(day)
    with django_capture_on_commit_callbacks(execute=True):
        assert engagement.send_reminders(day) == 2  # both cast duos
        assert engagement.send_reminders(day) == 0
        assert engagement.send_reminders(day + timedelta(days=6)) == 0
        assert engagement.send_reminders(day + timedelta(days=7)) == 2
    assert Reminder.objects.filter(duo=cast.paris_duo).count() == 2


def test_run_daily_is_idempotent(cast: Cast) -> None:
    out = StringIO()
    call_command("run_daily", date="2026-04-01", stdout=out)
    assert "alerts raised 2" in out.getvalue()
    assert "duos reminded 2" in out.getvalue()
    before = (Alert.objects.count(), Reminder.objects.count(), Alert.objects.first().notes.count())  # type: ignore[union-attr]
    again = StringIO()
    call_command("run_daily", date="2026-04-01", stdout=again)
    assert "alerts raised 0, resolved 0, reopened 0; duos reminded 0" in again.getvalue()
    assert (Alert.objects.count(), Reminder.objects.count(), Alert.objects.first().notes.count()) == before  # type: ignore[union-attr]


def test_run_daily_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_daily", date="01/04/2026", stdout=StringIO())


def test_a_snoozed_alert_comes_back_when_the_date_passes(cast: Cast) -> None:
    engagement.evaluate(date(2026, 4, 1))
    alert = Alert.objects.get(duo=cast.paris_duo)
    with time_machine.travel(date(2026, 4, 1), tick=False):
        with pytest.raises(ValidationError):
            engagement.note_alert(alert, actor=cast.amara, text="", action="snoozed", until=date(2026, 3, 1))
        engagement.note_alert(
            alert, actor=cast.amara, text="Rappel mi-avril", action="snoozed", until=date(2026, 4, 15)
        )
    engagement.evaluate(date(2026, 4, 10))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SNOOZED
    engagement.evaluate(date(2026, 4, 15))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    assert [n.action for n in alert.notes.all()] == ["raised", "snoozed", "reopened"]


def test_the_attention_page_lists_own_alerts_only_and_resolving_by_hand(cast: Cast, client_for: Any) -> None:
    engagement.evaluate(date(2026, 4, 1))
    page = client_for(cast.amara).get(reverse("meetings:attention")).content.decode()
    assert cast.chloe.person.full_name in page
    assert cast.leila.person.full_name not in page
    lyon_alert = Alert.objects.get(duo=cast.lyon_duo)
    url = reverse("meetings:alert_action", kwargs={"pk": lyon_alert.pk})
    assert client_for(cast.amara).post(url, {"action": "resolved"}).status_code == 404
    paris_alert = Alert.objects.get(duo=cast.paris_duo)
    client_for(cast.amara).post(
        reverse("meetings:alert_action", kwargs={"pk": paris_alert.pk}), {"action": "resolved", "text": "Appelés"}
    )
    paris_alert.refresh_from_db()
    assert (paris_alert.status, paris_alert.resolved_by) == (Alert.Status.RESOLVED, cast.amara)
    assert client_for(cast.ben_user).get(reverse("meetings:attention")).status_code == 403


def test_the_attention_page_costs_the_same_queries_for_many_duos(
    cast: Cast, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    engagement.evaluate(date(2026, 4, 1))
    client = client_for(cast.nadia)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("meetings:attention"))
    for k in range(15):  # fifteen more duos at risk, each with meetings and notes
        duo = Duo.objects.create(
            cohort=cast.paris_duo.cohort, mentor=cast.ben, mentee=_mentee(cast, k), started_on=STARTED
        )
        meeting(duo, date(2026, 3, 10), by=cast.amara, author="staff")
    engagement.evaluate(date(2026, 4, 30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("meetings:attention"))
    assert response.content.decode().count('class="alert"') >= 15


def _mentee(cast: Cast, k: int) -> Any:
    person = create_person(actor=None, first_name=f"M{k}", last_name="Test", territory=cast.paris)
    return create_mentee_profile(person, actor=None, targets=["M1805"], protection_status="refugee", french_level="B1")


def test_reminder_emails_go_through_the_worker_with_first_names_only(
    cast: Cast, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engagement.evaluate(date(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        engagement.send_reminders(date(2026, 4, 1))
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="binome.lib.mail.deliver_email").count() == 4
    # See binome/lib/tests/test_email_worker.py: the worker would close the test's connection.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())
    to_chloe = next(m for m in mail.outbox if m.to == [cast.chloe.person.email])
    assert "Ben" in to_chloe.body
    assert cast.ben.person.last_name not in to_chloe.body
    assert f"/mentee/duos/{cast.paris_duo.pk}/" in to_chloe.body


REMINDER = {
    "fr": "Binôme : des nouvelles de votre binôme avec {} ?",
    "en": "Binôme: news of your duo with {}?",
    "ar": "Binôme: ما أخبار ثنائيك مع {}؟",
}


def _account_lookups(queries: CaptureQueriesContext) -> int:
    return sum('"accounts_user"' in query["sql"] for query in queries.captured_queries)


def test_reminding_more_people_looks_up_no_more_accounts_and_each_reads_their_own_language(
    cast: Cast, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each duo's reminder writes its own rows, but the languages of everyone reminded come
    from one query, whether four people are reminded or six."""
    cast.chloe_user.language = "ar"
    cast.chloe_user.save(update_fields=["language"])
    cast.dev_user.language = "en"
    cast.dev_user.save(update_fields=["language"])  # Ben and Leïla never chose: French
    day = STARTED + timedelta(days=15)
    engagement.evaluate(day)
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as for_four:
        assert engagement.send_reminders(day) == 2  # the cast's two duos

    newcomers = {"Rania": "en", "Tarek": None, "Sofia": "ar"}  # None: no account
    for first, language in newcomers.items():
        person = create_person(
            actor=None, first_name=first, last_name="Test", territory=cast.paris, email=f"{first.lower()}@example.org"
        )
        mentee = create_mentee_profile(
            person, actor=None, targets=["M1805"], protection_status="refugee", french_level="B1"
        )
        if language is not None:
            user = User.objects.create_user(email=f"{first.lower()}@account.test", password=PASSWORD, language=language)
            Role.objects.create(user=user, kind=Role.Kind.MENTEE, person=person)
        Duo.objects.create(cohort=cast.paris_duo.cohort, mentor=cast.ben, mentee=mentee, started_on=STARTED)
    engagement.evaluate(day)
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as for_six:
        assert engagement.send_reminders(day) == 3  # the cast's duos had theirs today already
    assert _account_lookups(for_six) == _account_lookups(for_four) == 1

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())
    ben, chloe, dev, leila = (p.person for p in (cast.ben, cast.chloe, cast.dev, cast.leila))
    expected = [
        (ben.email, REMINDER["fr"].format("Chloé")),
        (chloe.email, REMINDER["ar"].format("Ben")),
        (dev.email, REMINDER["en"].format("Leïla")),
        (leila.email, REMINDER["fr"].format("Dev")),
    ]
    for first, language in newcomers.items():
        expected += [
            (ben.email, REMINDER["fr"].format(first)),
            (f"{first.lower()}@example.org", REMINDER[language or "fr"].format("Ben")),
        ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(expected)


def _workshop(cast: Cast, day: date, *, chloe_present: bool | None, ben_present: bool | None = True) -> Workshop:
    starts = datetime.combine(day, time(18), PARIS_TZ)
    workshop = Workshop.objects.create(
        cohort=cast.paris_duo.cohort,
        kind="codes_workshop",
        title="Codes professionnels",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.chloe.person, role="mentee", present=chloe_present)
    WorkshopInvitation.objects.create(workshop=workshop, person=cast.ben.person, role="mentor", present=ben_present)
    return workshop


def test_two_missed_workshops_raise_an_alert_and_attended_ones_count_as_hours(cast: Cast) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        meeting(cast.paris_duo, date(2026, 3, 30), by=cast.amara, author="staff")
    _workshop(cast, date(2026, 3, 20), chloe_present=False)
    engagement.evaluate(date(2026, 4, 1))
    assert "missed_workshops" not in kinds(cast.paris_duo)
    _workshop(cast, date(2026, 3, 27), chloe_present=False)
    engagement.evaluate(date(2026, 4, 1))
    assert "missed_workshops" in kinds(cast.paris_duo)
    assert Alert.objects.get(duo=cast.paris_duo, kind="missed_workshops").details == {"missed": 2}
    start, end = selectors.period_of(cast.paris_duo.cohort)
    assert selectors.mentor_hours(cast.ben, start=start, end=end).workshops == 4  # Ben attended both


def _checkin(cast: Cast, score: str, day: datetime) -> None:
    """The Paris mentee answers the mid-point check-in through the surveys app, on `day`."""
    from django.http import QueryDict

    from binome.surveys import services as surveys
    from binome.surveys.models import Invitation, Wave

    surveys.load_instruments()
    with time_machine.travel(day, tick=False):
        surveys.schedule_waves(cast.paris_duo.cohort)
        wave = Wave.objects.get(cohort=cast.paris_duo.cohort, instrument__code="mentee_mid")
        Invitation.objects.filter(wave=wave).delete()  # a fresh link each time: one answer per call
        surveys.invite_wave(wave, wave.opens_on, notify=False)
        invitation = wave.invitations.get()
        data = QueryDict(mutable=True)
        values = {"duo_checkin": score, "employment_status": "job_seeking", "had_opportunity": "no", "confidence": "3"}
        data.setlist("shown", list(values))
        for key, value in values.items():
            data.setlist(f"q_{key}", [value])
        assert surveys.save_answers(invitation, data) == {}
        surveys.submit_response(invitation)


def test_a_poor_check_in_alerts_the_coordinator_until_they_resolve_it(cast: Cast) -> None:
    meeting(cast.paris_duo, date(2026, 5, 28), by=cast.ben_user, author="staff")  # the duo meets: no other alert
    _checkin(cast, "4", datetime(2026, 6, 2, 10, tzinfo=PARIS_TZ))
    engagement.evaluate(date(2026, 6, 3))
    assert "poor_checkin" not in kinds(cast.paris_duo)

    _checkin(cast, "2", datetime(2026, 6, 3, 10, tzinfo=PARIS_TZ))
    raised = engagement.evaluate(date(2026, 6, 4)).raised
    assert [(a.duo_id, a.kind, a.details["score"]) for a in raised] == [(cast.paris_duo.pk, "poor_checkin", 2)]
    assert not engagement.evaluate(date(2026, 6, 4)).raised  # idempotent
    # Time passing does not make it go: a person has to call the duo.
    assert engagement.evaluate(date(2026, 6, 14)).resolved == 0
    assert "poor_checkin" in kinds(cast.paris_duo)
    assert cast.paris_duo.pk not in {r.duo_id for r in Reminder.objects.all()}  # no automated nudge for this one

    alert = Alert.objects.get(duo=cast.paris_duo, kind="poor_checkin")
    with time_machine.travel(datetime(2026, 6, 15, 9, tzinfo=PARIS_TZ), tick=False):
        engagement.note_alert(alert, actor=cast.amara, action="resolved", text="Called both: a scheduling issue.")
    engagement.evaluate(date(2026, 6, 16))
    assert "poor_checkin" not in kinds(cast.paris_duo)  # the answer they dealt with does not come back

    _checkin(cast, "1", datetime(2026, 6, 20, 10, tzinfo=PARIS_TZ))  # a new poor answer later: a new alert
    engagement.evaluate(date(2026, 6, 21))
    assert "poor_checkin" in kinds(cast.paris_duo)


def test_the_poor_check_in_threshold_is_data_per_territory(cast: Cast) -> None:
    meeting(cast.paris_duo, date(2026, 5, 28), by=cast.ben_user, author="staff")
    EngagementRules.objects.create(territory=cast.paris, poor_checkin_score=3)
    _checkin(cast, "3", datetime(2026, 6, 3, 10, tzinfo=PARIS_TZ))
    engagement.evaluate(date(2026, 6, 4))
    assert "poor_checkin" in kinds(cast.paris_duo)
