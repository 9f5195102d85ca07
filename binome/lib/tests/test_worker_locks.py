"""The worker survives a locked database: a task that meets the lock runs again later and is done."""

from __future__ import annotations

import sqlite3
import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binome.lib import worker
from binome.lib.mail import send_email
from binome.lib.models import OutgoingMessage
from conftest import APPS_BUT_REFERENCE


def run_worker() -> None:
    call_command("worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def _hold_the_write_lock(seconds: float, taken: threading.Event) -> None:
    """Another process's write transaction (on the test's in-memory database: another connection
    to its shared cache), holding the lock for `seconds`."""
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE lib_outgoingmessage SET attempts = attempts")
    other.execute("SELECT COUNT(*) FROM lib_outgoingmessage").fetchall()  # a read lock on the table too
    taken.set()
    time.sleep(seconds)
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)
def test_a_sent_email_s_receipt_waits_for_a_locked_database_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the lock is SQLite's")
    monkeypatch.setattr("binome.lib.locks.FIRST_PAUSE", 0.05)
    message = send_email(subject="Invitation", body="Bonjour", to=["chloe@example.org"])  # autocommit: queued now
    (task,) = DBTaskResult.objects.all()

    taken = threading.Event()
    holder = threading.Thread(target=_hold_the_write_lock, args=(0.5, taken))
    monkeypatch.setattr("binome.lib.mail._send", _send_while_locked(holder, taken))
    run_worker()  # the task reads its message and sends it, but writing the receipt meets the lock…
    holder.join()

    task.refresh_from_db()
    message.refresh_from_db()
    assert task.status == "SUCCESSFUL"  # …and waits for it instead of failing or stopping the worker
    assert message.sent_at is not None
    assert message.state == "sent"


def _send_while_locked(holder: threading.Thread, taken: threading.Event):  # type: ignore[no-untyped-def]
    def send(**kwargs: object) -> int:
        holder.start()
        taken.wait()
        return 1

    return send


@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_REFERENCE)
def test_a_task_whose_own_write_meets_the_lock_goes_back_to_the_queue_then_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the lock is SQLite's")
    message = send_email(subject="Invitation", body="Bonjour", to=["chloe@example.org"])
    taken = threading.Event()
    holder = threading.Thread(target=_hold_the_write_lock, args=(0.5, taken))
    real_first = OutgoingMessage.objects.filter

    def locked_read(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        # The first run of the task meets another writer holding the lock on its table.
        if not holder.is_alive() and not taken.is_set():
            holder.start()
            taken.wait()
        return real_first(*args, **kwargs)

    monkeypatch.setattr(OutgoingMessage.objects, "filter", locked_read)
    monkeypatch.setattr("binome.lib.locks.FIRST_PAUSE", 0.05)
    run_worker()  # batch: stops once nothing is ready; the task waits for its retry time
    holder.join()
    (task,) = DBTaskResult.objects.all()
    message.refresh_from_db()
    assert (task.status, len(task.worker_ids)) == ("READY", 1)  # put back, not failed, not lost
    assert task.run_after > timezone.now()
    assert message.state == "queued"
    assert mail.outbox == []

    DBTaskResult.objects.update(run_after=timezone.now())  # its pause is over
    run_worker()
    task.refresh_from_db()
    message.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert message.state == "sent"
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
    assert worker.retry_delay(2).total_seconds() > worker.retry_delay(1).total_seconds()


@pytest.mark.django_db
def test_a_worker_started_again_puts_back_what_the_dead_one_was_running(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        message = send_email(subject="Invitation", body="Bonjour", to=["chloe@example.org"])
    task = DBTaskResult.objects.get()
    task.claim("a-worker-that-was-killed")  # its process died mid-task: the row says "running"

    call_command(
        "worker", batch=True, no_startup_delay=True, recover_running_after=0, stdout=StringIO(), stderr=StringIO()
    )
    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker()
    task.refresh_from_db()
    message.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert message.state == "sent"
    assert [m.to for m in mail.outbox] == [["chloe@example.org"]]
