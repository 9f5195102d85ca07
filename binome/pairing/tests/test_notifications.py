"""Both members of a confirmed duo are told, by the real worker, with only what they need."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from binome.pairing import services
from conftest import Cast

from .conftest import Autumn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    # See binome/lib/tests/test_email_worker.py: the worker would close the test's connection.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def test_confirming_emails_mentor_and_mentee_through_the_worker(
    cast: Cast, autumn: Autumn, django_capture_on_commit_callbacks: Any
) -> None:
    run = services.run_matching(autumn.cohort, actor=cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        duos = services.confirm_match_run(run, actor=cast.amara)
    assert mail.outbox == []  # nothing leaves inside the request
    assert DBTaskResult.objects.filter(task_path="binome.pairing.tasks.notify_new_duos").count() == 1

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())

    assert len(mail.outbox) == 2 * len(duos)
    to_samir = next(m for m in mail.outbox if m.to == ["samir@mentee.test"])
    mentor_of_samir = next(d.mentor for d in duos if d.mentee_id == autumn.samir.pk)
    assert mentor_of_samir.person.first_name in to_samir.body
    assert mentor_of_samir.person.last_name not in to_samir.body  # first name only
    assert mentor_of_samir.person.email not in to_samir.body  # contact details are shared by choice, later
    to_mentor = next(m for m in mail.outbox if m.to == [mentor_of_samir.person.email])
    assert "Samir" in to_mentor.body
    assert "Mentee" not in to_mentor.body  # the mentee's surname stays out
    assert "samir@mentee.test" not in to_mentor.body
    assert "/mentor/" in to_mentor.body
