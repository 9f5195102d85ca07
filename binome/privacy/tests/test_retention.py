"""Retention: files past their period are anonymised by run_daily, after a dry-run report."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from binome.audit.models import AuditEvent
from binome.lib.mail import send_email
from binome.lib.models import OutgoingMessage
from binome.pairing.models import Duo
from binome.people.models import Person
from binome.people.services import create_person
from binome.privacy import retention
from binome.privacy.models import Erasure
from binome.sourcing.models import Referral
from conftest import Cast

pytestmark = pytest.mark.django_db


def old_ineligible_referral(cast: Cast) -> Person:
    with time_machine.travel(datetime(2024, 1, 10, 9, tzinfo=UTC), tick=False):
        person = create_person(actor=None, first_name="Omar", last_name="Oldfile", territory=cast.paris)
        Referral.objects.create(person=person, partner=cast.paris_ngo, status=Referral.Status.INELIGIBLE)
    return person


def test_the_dry_run_lists_what_would_be_erased_and_changes_nothing(cast: Cast) -> None:
    person = old_ineligible_referral(cast)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--date", "2025-06-01", stdout=out)
    assert f"unsuccessful_referral: 1 file(s) to anonymise: #{person.pk}" in out.getvalue()
    assert "Oldfile" not in out.getvalue()  # the report names ids, not people
    assert not Erasure.objects.exists()
    assert Person.objects.get(pk=person.pk).last_name == "Oldfile"


def test_run_daily_anonymises_an_unsuccessful_referral_after_a_year_not_before(cast: Cast) -> None:
    person = old_ineligible_referral(cast)
    call_command("run_daily", "--date", "2024-12-01", stdout=io.StringIO())
    assert Person.objects.get(pk=person.pk).last_name == "Oldfile"
    out = io.StringIO()
    call_command("run_daily", "--date", "2025-02-01", stdout=out)
    assert "retention: files anonymised 1" in out.getvalue()
    assert Erasure.objects.get(person=person).reason == "unsuccessful_referral"
    assert Person.objects.get(pk=person.pk).last_name == ""


def test_a_refugee_with_a_live_duo_is_never_erased(cast: Cast) -> None:
    plan = retention.plan(date(2031, 1, 1))
    erased = [pk for ids in plan.people.values() for pk in ids]
    assert cast.chloe.person_id not in erased
    assert cast.ben.person_id not in erased


def test_a_refugee_file_goes_two_years_after_the_last_contact(cast: Cast) -> None:
    Duo.objects.filter(pk=cast.paris_duo.pk).update(status="completed", ended_on=date(2026, 9, 1))
    Referral.objects.filter(pk=cast.chloe_referral.pk).update(
        status="completed", status_changed_at=datetime(2026, 9, 1, tzinfo=UTC)
    )
    Person.objects.filter(pk=cast.chloe.person_id).update(updated_at=datetime(2026, 9, 1, tzinfo=UTC))
    assert cast.chloe.person_id not in retention.plan(date(2028, 8, 1)).people["participant_file"]
    assert cast.chloe.person_id in retention.plan(date(2028, 9, 2)).people["participant_file"]


def test_audit_events_older_than_five_years_are_deleted(cast: Cast) -> None:
    with time_machine.travel(datetime(2020, 1, 1, tzinfo=UTC), tick=False):
        old = AuditEvent.objects.create(verb="viewed", target_type="people.person", target_id="1")
    recent = AuditEvent.objects.create(verb="viewed", target_type="people.person", target_id="1")
    result = retention.apply(date(2026, 6, 1))
    assert result.audit_events == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_finished_task_records_holding_an_email_are_deleted_after_30_days(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Task records and outgoing emails go 30 days after; a queued task stays whatever its age."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def send(to: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            send_email(subject="Votre binôme", body="Bonjour Chloé", to=[to])

    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=False):
        send("old@example.com")
        call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
    with time_machine.travel(datetime(2026, 2, 1, 9, tzinfo=UTC), tick=False):
        send("recent@example.com")
        call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
        send("queued@example.com")  # not sent yet: stays whatever its age
    assert DBTaskResult.objects.count() == 3

    dry = retention.plan(date(2026, 2, 10))
    assert dry.finished_tasks == 1
    assert "task queue: 1 finished task record(s) older than 30 days" in dry.report()
    assert DBTaskResult.objects.count() == 3  # a plan changes nothing

    out = io.StringIO()
    call_command("apply_retention", "--date", "2026-02-10", stdout=out)
    assert "and 1 finished task record(s)" in out.getvalue()
    assert DBTaskResult.objects.count() == 2
    assert sorted(m.sent_at is None for m in OutgoingMessage.objects.all()) == [False, True]  # recent, queued
    assert not any("old@example.com" in m.recipients for m in OutgoingMessage.objects.all())
    assert any("queued@example.com" in m.recipients for m in OutgoingMessage.objects.all())
    assert retention.apply(date(2027, 1, 1)).finished_tasks == 1  # the recent one, once old; never the queued
    assert [r.status for r in DBTaskResult.objects.all()] == ["READY"]
