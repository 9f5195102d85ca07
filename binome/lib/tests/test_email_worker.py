"""Emails leave through the real task queue and the real worker."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker recycles database connections between tasks; inside a test transaction
    that would close it (on PostgreSQL) and lose the test's data. Django's test client
    makes the same exception for requests."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def test_a_password_reset_email_is_queued_then_sent_by_the_worker(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.create_user(email="amara@binome.test", password="x" * 14)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "amara@binome.test"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent inside the web request
    assert DBTaskResult.objects.filter(task_path="binome.lib.mail.deliver_email").count() == 1

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amara@binome.test"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_an_unknown_address_gets_no_email_and_the_same_answer(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@binome.test"})
    assert response.status_code == 302
    run_worker()
    assert mail.outbox == []  # no mail to addresses we don't know: it could be used to spam anyone
