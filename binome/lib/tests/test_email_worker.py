"""Emails leave through the real task queue and the real worker."""

from __future__ import annotations

import contextlib
import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import User
from binome.lib.mail import deliver_email, send_email
from binome.lib.models import OutgoingMessage
from binome.privacy.tests.canaries import table_dump

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


def test_F11_no_table_keeps_the_password_reset_link_once_the_worker_has_sent_it(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = User.objects.create_user(email="amara@binome.test", password="x" * 14)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "amara@binome.test"})
    queued = DBTaskResult.objects.get()
    assert "amara@binome.test" not in str(queued.args_kwargs)  # the task carries a message id only
    assert OutgoingMessage.objects.get().user_id == user.pk

    run_worker()

    link = re.search(r"/accounts/password/reset/key/\S+", mail.outbox[0].body)
    assert link is not None
    key = link.group(0).rstrip("/").rsplit("/", 1)[-1]
    dump = table_dump()  # every row of every table, encrypted values decrypted
    assert key not in dump
    assert "/accounts/password/reset/key/" not in dump
    assert OutgoingMessage.objects.get().sent_at is not None  # the receipt stays, without the content


def test_an_email_of_a_rolled_back_write_is_neither_kept_nor_sent(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), contextlib.suppress(RuntimeError), transaction.atomic():
        send_email(subject="Bonjour", body="Bonjour Chloé", to=["chloe@example.org"])
        raise RuntimeError("the write fails")
    run_worker()
    assert mail.outbox == []
    assert not OutgoingMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_task_queued_before_the_upgrade_still_sends_its_email() -> None:
    deliver_email.enqueue(subject="Bonjour", body="Texte", to=["chloe@example.org"], html_body=None)
    run_worker()
    assert [(m.to, m.body) for m in mail.outbox] == [(["chloe@example.org"], "Texte")]
