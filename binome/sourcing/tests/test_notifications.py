"""The referrer's daily digest of status changes, through run_daily, the real task queue and worker."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from binome.lib.models import OutgoingMessage
from binome.people.services import create_person
from binome.privacy.erasure import erase_person
from binome.sourcing.digest import send_referrer_digests
from binome.sourcing.models import Referral, ReferralTransition
from binome.sourcing.services import move_referral
from conftest import Cast

S = Referral.Status


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in binome/lib/tests/test_email_worker.py: the worker must not close the test's connection."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def public_address(settings: Any) -> None:
    settings.SITE_URL = "https://binome.example.org"


def run_worker(capture: Any) -> None:
    with capture(execute=True):
        call_command("db_worker", batch=True, no_startup_delay=True, stdout=StringIO(), stderr=StringIO())


def _received(cast: Cast, referral: Referral, **fields: Any) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(status=S.RECEIVED, **fields)
    referral.refresh_from_db()
    return referral


def _second_paris_referral(cast: Cast) -> Referral:
    person = create_person(actor=None, first_name="Samir", last_name="Toumi", territory=cast.paris, phone="0611")
    return Referral.objects.create(person=person, partner=cast.paris_ngo, referrer_email="farah@paris-ngo.test")


def _tomorrow() -> Any:
    return timezone.localdate() + timedelta(days=1)


def test_one_digest_a_day_tells_each_persons_latest_status_with_links_to_the_site(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    chloe = _received(cast, cast.chloe_referral, referrer_email="farah@paris-ngo.test")
    samir = _second_paris_referral(cast)
    with django_capture_on_commit_callbacks(execute=True):
        move_referral(chloe, S.CONTACTED, actor=cast.amara)
        move_referral(chloe, S.INTERVIEW_SCHEDULED, actor=cast.amara)
        move_referral(chloe, S.INTERVIEWED, actor=cast.amara)
        move_referral(samir, S.WAITLISTED, actor=cast.amara, skip=True)
        assert send_referrer_digests(timezone.localdate()) == 0  # today's changes go in tomorrow's digest
    assert OutgoingMessage.objects.count() == 0  # no email per step any more

    with django_capture_on_commit_callbacks(execute=True):
        out = StringIO()
        call_command("run_daily", date=_tomorrow().isoformat(), stdout=out)
    assert "referrer digests 1" in out.getvalue()
    run_worker(django_capture_on_commit_callbacks)

    to_farah = [m for m in mail.outbox if "farah@paris-ngo.test" in m.to]  # run_daily also reminds duos
    assert len(to_farah) == 1
    message = to_farah[0]
    assert message.to == ["farah@paris-ngo.test"]
    assert message.subject == "Vos orientations : 2 changements de statut"
    assert "Chloé : Entretien réalisé — https://binome.example.org/partner/referrals/" in message.body
    assert "Samir : Liste d'attente" in message.body
    assert "Contact pris" not in message.body  # only where each person stands now
    assert "https://binome.example.org/partner/" in message.body
    for detail in ["Haddad", "Toumi", "06 11", "Syrie", cast.paris_ngo.name]:
        assert detail not in f"{message.subject} {message.body}"

    with django_capture_on_commit_callbacks(execute=True):
        assert send_referrer_digests(_tomorrow()) == 0  # a second run the same day tells nothing again
    assert not ReferralTransition.objects.filter(digested_on__isnull=True).exists()


def test_without_a_named_referrer_the_partners_referrer_accounts_get_the_digest(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    chloe = _received(cast, cast.chloe_referral)
    move_referral(chloe, S.CONTACTED, actor=cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_referrer_digests(_tomorrow()) == 1
    run_worker(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["farah@paris-ngo.test"]]


def test_a_public_application_tells_no_one_and_is_not_told_later(cast: Cast) -> None:
    public = Referral.objects.create(person=cast.chloe.person, partner=None, source="public")
    move_referral(public, S.CONTACTED, actor=cast.amara)
    assert send_referrer_digests(_tomorrow()) == 0
    assert OutgoingMessage.objects.count() == 0
    assert ReferralTransition.objects.get(referral=public).digested_on == _tomorrow()


def test_erasing_one_person_of_a_digest_not_yet_sent_deletes_it(cast: Cast) -> None:
    chloe = _received(cast, cast.chloe_referral, referrer_email="farah@paris-ngo.test")
    samir = _second_paris_referral(cast)
    move_referral(chloe, S.CONTACTED, actor=cast.amara)
    move_referral(samir, S.CONTACTED, actor=cast.amara)
    assert send_referrer_digests(_tomorrow()) == 1
    digest = OutgoingMessage.objects.get()  # about two people: no single "about" id to erase it by
    assert digest.about_person_id is None
    erase_person(cast.chloe.person, actor=cast.amara)
    assert not OutgoingMessage.objects.filter(pk=digest.pk).exists()
