"""Erasure anonymises a person, keeps aggregates and the audit trail, and is idempotent."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.core.management import call_command

from binome.accounts.models import Role, User
from binome.audit.models import AuditEvent
from binome.meetings import engagement
from binome.meetings.models import AlertNote, Meeting
from binome.pairing.models import Duo, MatchRun
from binome.people.models import Person
from binome.privacy.erasure import erase_person, pseudonym_for
from binome.privacy.models import Erasure
from binome.privacy.tests.canaries import canary, plant_duo_texts, plant_identity, plant_in_mentee, table_dump
from binome.sourcing.models import Referral, ReferralTransition
from binome.sourcing.tasks import notify_referrer_of_status
from conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real worker, keeping the test's transaction (see binome/lib/tests/test_email_worker.py)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())

    return run


def seed(cast: Cast) -> dict[str, str]:
    person = cast.chloe.person
    planted = plant_identity(person, prefix="er")
    planted |= plant_in_mentee(cast.chloe, cast.paris_duo, cast.chloe_referral, prefix="er")
    planted |= plant_duo_texts(cast.paris_duo, prefix="er")
    MatchRun.objects.create(
        cohort=cast.paris_duo.cohort,
        number=9,
        engine_version="t",
        inputs={"mentees": [{"id": cast.chloe.pk, "lat": 48.85, "lon": 2.35, "gender": "female"}], "mentors": []},
    )
    cast.chloe_user.email = planted["email"]
    cast.chloe_user.first_name = planted["first_name"]
    cast.chloe_user.save()
    return planted


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "duos": Duo.objects.count(),
        "meetings": Meeting.objects.count(),
        "referrals": Referral.objects.count(),
        "alert_notes": AlertNote.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_erasure_leaves_no_canary_in_the_database_and_keeps_the_counts(cast: Cast) -> None:
    planted = seed(cast)
    dump = table_dump()
    assert all(value in dump for value in planted.values() if value != planted["phone"])  # the check can fail
    before = counts()
    erasure = erase_person(cast.chloe.person, actor=cast.amara)
    after = counts()
    dump = table_dump()
    leaked = [name for name, value in planted.items() if value in dump]
    assert leaked == []
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert after["audit"] == before["audit"] + 1  # the erasure itself, nothing removed
    person = Person.objects.get(pk=cast.chloe.person_id)
    assert person.full_name == erasure.pseudonym == pseudonym_for(person.pk)
    user = User.objects.get(pk=cast.chloe_user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    run = MatchRun.objects.get(number=9)
    assert run.inputs["mentees"][0]["lat"] is None
    assert run.inputs["mentees"][0]["id"] == cast.chloe.pk  # the run still explains its proposals


def test_a_second_erasure_changes_nothing(cast: Cast) -> None:
    seed(cast)
    first = erase_person(cast.chloe.person, actor=cast.amara)
    dump = table_dump()
    second = erase_person(Person.objects.get(pk=cast.chloe.person_id), actor=cast.nadia)
    assert second.pk == first.pk
    assert table_dump() == dump
    assert Erasure.objects.count() == 1


def test_the_audit_trail_keeps_actor_and_target_after_erasure(cast: Cast, client_for: Any) -> None:
    client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/")
    erase_person(cast.chloe.person, actor=cast.amara)
    viewed = AuditEvent.objects.get(verb="viewed", target_type="people.person")
    assert (viewed.actor, viewed.target_id) == (cast.amara, str(cast.chloe.person_id))
    page = client_for(cast.amara).get(f"/staff/people/{cast.chloe.person_id}/access/").content.decode()
    assert pseudonym_for(cast.chloe.person_id) in page
    assert "Haddad" not in page


def test_staff_erase_from_the_page_after_confirming(cast: Cast, client_for: Any) -> None:
    client = client_for(cast.amara)
    url = f"/staff/people/{cast.chloe.person_id}/erase/"
    assert client.post(url, {}).status_code == 200  # not confirmed: nothing happens
    assert not Erasure.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert Erasure.objects.get().actor == cast.amara
    assert (
        client_for(cast.lucie).post(f"/staff/people/{cast.dev.person_id}/erase/", {"confirm": "on"}).status_code == 302
    )
    assert client_for(cast.lucie).post(url, {"confirm": "on"}).status_code == 404  # Paris file, Lyon coordinator


def test_the_subject_access_export_holds_the_person_s_data_and_not_the_other_member_s(
    cast: Cast, client_for: Any
) -> None:
    planted = seed(cast)
    response = client_for(cast.amara).post(f"/staff/people/{cast.chloe.person_id}/export/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["data.json", "data.pdf"]
    data = json.loads(archive.read("data.json"))
    text = json.dumps(data, ensure_ascii=False)
    assert data["person"]["last_name"] == planted["last_name"]
    assert data["referrals"][0]["reason"] == planted["reason"]
    assert data["mentee_profile"]["protection_status"] == "Refugee"
    assert planted["meeting_note"] in text
    assert "Durand" not in text  # Ben, the other member of the duo
    assert "ben@example.com" not in text
    assert archive.read("data.pdf").startswith(b"%PDF")
    assert AuditEvent.objects.filter(verb="exported", actor=cast.amara, target_id=str(cast.chloe.person_id)).exists()


def test_the_export_of_a_lyon_person_is_not_found_for_the_paris_coordinator(cast: Cast, client_for: Any) -> None:
    assert client_for(cast.amara).post(f"/staff/people/{cast.leila.person_id}/export/").status_code == 404


def test_a_person_with_two_accounts_can_be_erased(cast: Cast) -> None:
    from binome.accounts.models import Role

    second = User.objects.create_user(email="chloe.pro@example.org", password="x-long-password-1")
    Role.objects.create(user=second, kind=Role.Kind.MENTOR, person=cast.chloe.person)
    erase_person(cast.chloe.person, actor=cast.amara)
    accounts = User.objects.filter(pk__in=[cast.chloe_user.pk, second.pk])
    assert len({user.email for user in accounts}) == 2
    assert not any(user.is_active for user in accounts)
    assert not accounts.filter(email__contains="chloe").exists()


def test_F5_erasing_a_mentor_keeps_the_account_when_the_user_is_also_a_national_admin(
    cast: Cast, worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Role.objects.create(user=cast.ben_user, kind=Role.Kind.NATIONAL_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(cast.ben.person, actor=cast.amara)  # a coordinator erases the mentor's file
    user = User.objects.get(pk=cast.ben_user.pk)
    assert user.is_active
    assert user.has_usable_password()
    assert user.email == "ben@acme.test"
    assert list(user.roles.values_list("kind", flat=True)) == [Role.Kind.NATIONAL_ADMIN]  # the mentor role went
    assert Person.objects.get(pk=cast.ben.person_id).full_name == pseudonym_for(cast.ben.person_id)
    event = AuditEvent.objects.get(verb="kept account at erasure")
    assert (event.actor, event.target_type, event.target_id) == (cast.amara, "accounts.user", str(user.pk))
    assert event.details["removed_roles"] == ["mentor"]
    worker()
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == ["ben@acme.test", "nadia@binome.test"]  # every national admin
    assert all(pseudonym_for(cast.ben.person_id) in message.body for message in mail.outbox)
    assert not any("Durand" in message.body for message in mail.outbox)


def test_F5_an_account_holding_only_the_erased_person_s_roles_is_still_anonymised(cast: Cast) -> None:
    erase_person(cast.ben.person, actor=cast.amara)
    user = User.objects.get(pk=cast.ben_user.pk)
    assert not user.is_active
    assert user.email.endswith("@erased.invalid")
    assert not AuditEvent.objects.filter(verb="kept account at erasure").exists()


def test_F9_erasure_leaves_no_canary_in_emails_task_records_or_the_admin_history(
    cast: Cast, client: Any, worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    planted = seed(cast)
    # The referrer is told of her status under the first name she had then (the email is about her,
    # not to her)...
    transition = ReferralTransition.objects.create(
        referral=cast.chloe_referral, from_status="enrolled", to_status="matched"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_referrer_of_status.enqueue(transition.pk)
        worker()  # the notice's email is queued when the task's work commits
    # ...her account gets a password-reset link...
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/password/reset/", {"email": planted["email"]}).status_code == 302
    worker()
    assert any(planted["first_name"] in message.subject for message in mail.outbox)
    assert any(message.to == [planted["email"]] for message in mail.outbox)
    # ...then her first name is corrected, and one more email to her waits in the queue.
    person = Person.objects.get(pk=cast.chloe.person_id)
    person.first_name = planted["new_first_name"] = canary("errenamed")
    person.save()
    engagement.evaluate(date(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert engagement.send_reminders(date(2026, 4, 1)) >= 1  # her duo has had no meeting yet
    # A national admin changed her account and her role in the Django admin.
    LogEntry.objects.log_actions(
        user_id=cast.nadia.pk,
        queryset=User.objects.filter(pk=cast.chloe_user.pk),
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Email address"]}}],
    )
    LogEntry.objects.log_actions(
        user_id=cast.nadia.pk, queryset=Role.objects.filter(user=cast.chloe_user), action_flag=CHANGE
    )
    dump = table_dump()
    assert planted["email"] in dump  # the check can fail
    assert planted["new_first_name"] in dump

    erase_person(person, actor=cast.amara)

    dump = table_dump()
    leaked = [name for name, value in planted.items() if value in dump]
    print(f"F9 canaries: {len(planted)} planted, {len(leaked)} found after erasure")
    assert leaked == []
    assert LogEntry.objects.filter(user=cast.nadia).count() == 2  # the history stays, without the names
    worker()  # the queued email was deleted with her file: nothing goes out
    assert not any(planted["new_first_name"] in message.body for message in mail.outbox)
