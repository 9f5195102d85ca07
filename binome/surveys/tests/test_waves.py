"""Waves follow the cohort's dates; opening them invites the duo members; reminders are throttled."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from binome.pairing.models import Duo
from binome.surveys import services
from binome.surveys.models import Invitation, InvitationLink, Wave
from binome.surveys.tasks import email_survey_link
from conftest import Cast

pytestmark = pytest.mark.django_db


def test_waves_are_scheduled_from_the_cohort_dates(cast: Cast, instruments: None) -> None:
    cohort = cast.paris_duo.cohort  # 1 March 2026 to 1 September 2026
    waves = {w.instrument.code: w for w in services.schedule_waves(cohort)}
    assert waves["mentee_baseline"].opens_on == date(2026, 3, 1)
    assert waves["mentor_baseline"].opens_on == date(2026, 3, 1)
    assert waves["mentee_mid"].opens_on == date(2026, 6, 1)  # 184 days // 2 = 92 days
    assert waves["mentee_end"].opens_on == date(2026, 9, 1)
    assert waves["mentor_end"].opens_on == date(2026, 9, 1)
    assert waves["mentee_follow6"].opens_on == date(2027, 3, 1)
    assert waves["mentee_follow12"].opens_on == date(2027, 9, 1)
    assert all(w.closes_on > w.opens_on for w in waves.values())


def test_scheduling_twice_changes_nothing_and_follows_moved_dates(cast: Cast, instruments: None) -> None:
    cohort = cast.paris_duo.cohort
    first = services.schedule_waves(cohort)
    assert [w.pk for w in services.schedule_waves(cohort)] == [w.pk for w in first]
    assert Wave.objects.filter(cohort=cohort).count() == 8
    cohort.ends_on = date(2026, 10, 1)
    cohort.save()
    services.schedule_waves(cohort)
    assert Wave.objects.get(cohort=cohort, instrument__code="mentee_end").opens_on == date(2026, 10, 1)


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert services.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert services.add_months(date(2026, 12, 15), 12) == date(2027, 12, 15)


def test_opening_a_wave_invites_the_cohort_mentees_and_emails_their_link(
    cast: Cast, instruments: None, django_capture_on_commit_callbacks: Any
) -> None:
    services.schedule_waves(cast.paris_duo.cohort)
    with django_capture_on_commit_callbacks() as callbacks:
        created = services.open_due_waves(date(2026, 3, 2))
    # Paris and Lyon: one mentee and one mentor each, at baseline.
    assert created == 4
    paris = Invitation.objects.filter(wave__cohort=cast.paris_duo.cohort)
    assert {(i.person_id, i.wave.instrument.code) for i in paris} == {
        (cast.chloe.person_id, "mentee_baseline"),
        (cast.ben.person_id, "mentor_baseline"),
    }
    assert all(i.duo_id == cast.paris_duo.pk and i.sent_on == date(2026, 3, 2) for i in paris)
    assert len(callbacks) == 4  # one email task per invitation, queued after commit

    chloe = paris.get(person=cast.chloe.person)
    with time_machine.travel(date(2026, 3, 2), tick=False):
        assert email_survey_link.call(chloe.pk, "invitation") == 1
    message = mail.outbox[-1]
    assert message.to == [cast.chloe.person.email]
    link = InvitationLink.objects.get(invitation=chloe)
    token = message.body.split("/s/")[1].split("/")[0]
    assert services.hash_token(token) == link.token_hash  # only the hash is stored
    assert token not in str(list(InvitationLink.objects.values_list("token_hash", flat=True)))


def test_run_daily_twice_the_same_day_invites_and_reminds_nobody_the_second_time(cast: Cast, instruments: None) -> None:
    out = StringIO()
    call_command("run_daily", "--date", "2026-03-02", stdout=out)
    count = Invitation.objects.count()
    assert count == 4
    call_command("run_daily", "--date", "2026-03-02", stdout=out)
    assert Invitation.objects.count() == count
    assert "surveys: invited 4, reminded 0" in out.getvalue().splitlines()[0]
    assert "surveys: invited 0, reminded 0" in out.getvalue().splitlines()[1]


def test_mid_point_wave_skips_duos_that_ended_early_but_the_end_wave_asks_them(cast: Cast, instruments: None) -> None:
    Duo.objects.filter(pk=cast.paris_duo.pk).update(status=Duo.Status.ENDED_EARLY)
    services.open_due_waves(date(2026, 6, 2))
    assert not Invitation.objects.filter(wave__cohort=cast.paris_duo.cohort).exists()
    services.open_due_waves(date(2026, 9, 2))
    assert Invitation.objects.filter(wave__cohort=cast.paris_duo.cohort, person=cast.chloe.person).exists()


def test_a_reminder_goes_at_most_once_every_seven_days_and_never_after_submission(
    cast: Cast, instruments: None, django_capture_on_commit_callbacks: Any
) -> None:
    day = date(2026, 3, 2)
    with time_machine.travel(day, tick=False):
        services.open_due_waves(day)
    chloe = Invitation.objects.get(person=cast.chloe.person, wave__instrument__code="mentee_baseline")
    with time_machine.travel(day + timedelta(days=6), tick=False):
        assert services.send_survey_reminders(day + timedelta(days=6)) == 0
    with time_machine.travel(day + timedelta(days=7), tick=False):
        with django_capture_on_commit_callbacks() as callbacks:
            assert services.send_survey_reminders(day + timedelta(days=7)) == 4
        assert len(callbacks) == 4
        assert services.send_survey_reminders(day + timedelta(days=7)) == 0  # same day again
    with time_machine.travel(day + timedelta(days=10), tick=False):
        assert services.send_survey_reminders(day + timedelta(days=10)) == 0
    chloe.refresh_from_db()
    assert chloe.reminders_sent == 1
    Invitation.objects.filter(pk=chloe.pk).update(submitted_at=chloe.created_at)
    with time_machine.travel(day + timedelta(days=14), tick=False):
        assert services.send_survey_reminders(day + timedelta(days=14)) == 3  # not Chloé: she answered
    chloe.refresh_from_db()
    assert chloe.reminders_sent == 1


def test_no_reminder_after_the_wave_closes_or_the_link_expires(cast: Cast, instruments: None) -> None:
    day = date(2026, 3, 2)
    services.open_due_waves(day)
    wave = Wave.objects.get(cohort=cast.paris_duo.cohort, instrument__code="mentee_baseline")
    after = wave.closes_on + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        assert services.send_survey_reminders(after) == 0
    # Staff can cut a link short: it expires on day 7, so day 8 reminds nobody.
    Invitation.objects.update(expires_at=services._end_of(day + timedelta(days=6)))
    with time_machine.travel(day + timedelta(days=8), tick=False):
        assert services.send_survey_reminders(day + timedelta(days=8)) == 0


def test_no_email_task_sends_for_an_answered_invitation(cast: Cast, instruments: None) -> None:
    services.open_due_waves(date(2026, 3, 2))
    chloe = Invitation.objects.get(person=cast.chloe.person)
    Invitation.objects.filter(pk=chloe.pk).update(submitted_at=chloe.created_at)
    assert email_survey_link.call(chloe.pk, "reminder") == 0
    assert not InvitationLink.objects.filter(invitation=chloe).exists()
