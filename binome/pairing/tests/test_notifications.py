"""Both members of a confirmed duo are told, by the real worker, with only what they need."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import Role, User
from binome.pairing import services
from binome.pairing.models import Duo
from binome.pairing.tasks import notify_new_duos
from binome.people.models import Person
from conftest import PASSWORD, Cast

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

    # Each member learns of the duo; the members who had no account also get their invitation to it.
    duo_emails = [m for m in mail.outbox if "/invitation/" not in m.body]
    assert len(duo_emails) == 2 * len(duos)
    invited = {m.to[0] for m in mail.outbox if "/invitation/" in m.body}
    assert invited == {d.mentee.person.email for d in duos} | {d.mentor.person.email for d in duos}
    to_samir = next(m for m in duo_emails if m.to == ["samir@mentee.test"])
    mentor_of_samir = next(d.mentor for d in duos if d.mentee_id == autumn.samir.pk)
    assert mentor_of_samir.person.first_name in to_samir.body
    assert mentor_of_samir.person.last_name not in to_samir.body  # first name only
    assert mentor_of_samir.person.email not in to_samir.body  # contact details are shared by choice, later
    to_mentor = next(m for m in duo_emails if m.to == [mentor_of_samir.person.email])
    assert "Samir" in to_mentor.body
    assert "Mentee" not in to_mentor.body  # the mentee's surname stays out
    assert "samir@mentee.test" not in to_mentor.body
    assert "/mentor/" in to_mentor.body


MENTEE_SUBJECT = {"fr": "Binôme : vous avez un mentor", "en": "Binôme: you have a mentor", "ar": "Binôme: لديك مرشد"}
MENTOR_SUBJECT = {"fr": "Binôme : vous allez accompagner {}", "en": "Binôme: you will mentor {}"}


def _choose(person: Person, language: str) -> None:
    """Give the person an account that chose `language` ("" for an account that never chose)."""
    user = User.objects.create_user(email=f"account-{person.pk}@example.org", password=PASSWORD, language=language)
    Role.objects.create(user=user, kind=Role.Kind.MENTEE, person=person)


def test_emailing_three_new_duos_costs_the_queries_of_one_and_each_reads_their_own_language(
    cast: Cast, autumn: Autumn
) -> None:
    cast.chloe_user.language = "ar"
    cast.chloe_user.save(update_fields=["language"])  # Ben never chose: French
    _choose(autumn.ines.person, "en")
    _choose(autumn.samir.person, "ar")
    _choose(autumn.yara.person, "")  # Omar, Tom and Mina have no account: French
    three = [
        Duo.objects.create(cohort=autumn.cohort, mentor=mentor, mentee=mentee, started_on=date(2026, 12, 15))
        for mentor, mentee in ((autumn.ines, autumn.samir), (autumn.omar, autumn.yara), (autumn.tom, autumn.mina))
    ]

    with CaptureQueriesContext(connection) as for_two:
        assert notify_new_duos.call([cast.paris_duo.pk]) == 2
    with CaptureQueriesContext(connection) as for_six:
        assert notify_new_duos.call([duo.pk for duo in three]) == 6
    assert len(for_six) == len(for_two)

    def mentor_subject(language: str, mentee: Any) -> str:
        return MENTOR_SUBJECT[language].format(mentee.person.first_name)

    assert {m.to[0]: m.subject for m in mail.outbox} == {
        cast.ben.person.email: mentor_subject("fr", cast.chloe),
        cast.chloe.person.email: MENTEE_SUBJECT["ar"],
        autumn.ines.person.email: mentor_subject("en", autumn.samir),
        autumn.samir.person.email: MENTEE_SUBJECT["ar"],
        autumn.omar.person.email: mentor_subject("fr", autumn.yara),
        autumn.yara.person.email: MENTEE_SUBJECT["fr"],
        autumn.tom.person.email: mentor_subject("fr", autumn.mina),
        autumn.mina.person.email: MENTEE_SUBJECT["fr"],
    }
