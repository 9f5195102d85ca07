"""The referrer's status-change email, through the real task queue and worker."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from binome.sourcing.models import Referral
from binome.sourcing.services import move_referral
from conftest import Cast

S = Referral.Status


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in binome/lib/tests/test_email_worker.py: the worker must not close the test's connection."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker(capture: Any) -> None:
    # The task queues the email on commit; the second pass delivers it.
    for _ in range(2):
        with capture(execute=True):
            call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def _move(cast: Cast, referral: Referral, capture: Any, to: str = S.CONTACTED) -> None:
    Referral.objects.filter(pk=referral.pk).update(status=S.RECEIVED)
    referral.refresh_from_db()
    with capture(execute=True):
        move_referral(referral, to, actor=cast.amara)


def test_the_referrer_is_emailed_the_first_name_and_the_new_status_only(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    referral = cast.chloe_referral
    Referral.objects.filter(pk=referral.pk).update(referrer_email="farah.direct@paris-ngo.test")
    _move(cast, referral, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing is sent inside the request
    assert DBTaskResult.objects.filter(task_path="binome.sourcing.tasks.notify_referrer_of_status").count() == 1

    run_worker(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["farah.direct@paris-ngo.test"]
    text = f"{message.subject} {message.body}"
    assert "Chloé" in text
    assert "Contact pris" in text  # the new status, in French
    person = cast.chloe.person
    for detail in [person.last_name, person.phone, person.email, "Syrie", cast.paris_ngo.name]:
        assert detail not in text


def test_without_a_named_referrer_the_partners_referrer_accounts_are_emailed(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    _move(cast, cast.chloe_referral, django_capture_on_commit_callbacks)
    run_worker(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["farah@paris-ngo.test"]]


def test_a_public_application_sends_nothing(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    public = Referral.objects.create(person=cast.chloe.person, partner=None, source="public")
    _move(cast, public, django_capture_on_commit_callbacks)
    run_worker(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
