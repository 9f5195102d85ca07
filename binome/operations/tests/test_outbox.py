"""The outgoing messages page: scoped to the viewer's territories, with a "send again" for failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binome.audit.models import AuditEvent
from binome.lib.mail import send_email
from binome.lib.models import OutgoingMessage
from binome.operations.outbox import counts, messages_visible_to
from conftest import Cast

pytestmark = pytest.mark.django_db


def _messages(cast: Cast) -> dict[str, OutgoingMessage]:
    paris = send_email(subject="Paris, queued", body="…", to=["a@example.org"], territory_id=cast.paris.pk)
    about_paris = send_email(
        subject="About Chloé", body="…", to=["b@example.org"], about_person_id=cast.chloe.person_id
    )
    lyon = send_email(subject="Lyon, failed", body="…", to=["c@example.org"], person_id=cast.leila.person_id)
    lyon.failed_at, lyon.error, lyon.attempts = timezone.now(), "SMTPRecipientsRefused: 550", 1
    lyon.save()
    sent = send_email(subject="", body="", to=[], territory_id=cast.paris.pk)
    sent.sent_at = timezone.now()
    sent.save()
    return {"paris": paris, "about_paris": about_paris, "lyon": lyon, "sent": sent}


def test_a_coordinator_sees_her_territory_s_messages_and_the_national_admin_all(cast: Cast) -> None:
    found = _messages(cast)
    paris = set(messages_visible_to(cast.amara))
    assert paris == {found["paris"], found["about_paris"], found["sent"]}
    assert set(messages_visible_to(cast.lucie)) == {found["lyon"]}
    assert set(messages_visible_to(cast.nadia)) == set(found.values())
    assert counts(messages_visible_to(cast.amara)) == {"queued": 2, "sent": 1, "failed": 0}
    assert messages_visible_to(cast.ben_user).count() == 0


def test_the_page_lists_states_and_a_failed_message_is_sent_again(
    cast: Cast, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = _messages(cast)
    client = client_for(cast.lucie)
    page = client.get("/staff/outgoing/").content.decode()
    assert 'aria-current="page">Messages sortants</a></li>' in page  # in the staff navigation
    assert "Lyon, failed" in page
    assert "SMTPRecipientsRefused" in page
    assert "Paris, queued" not in page
    assert f'action="/staff/outgoing/{found["lyon"].pk}/resend/"' in page
    assert client.get("/staff/outgoing/?state=queued").content.decode().count('id="message-') == 0

    # Another territory's message is out of reach; a queued one can't be sent twice.
    assert client.post(f"/staff/outgoing/{found['paris'].pk}/resend/").status_code == 404
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/outgoing/{found['lyon'].pk}/resend/", {"state": "failed"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/outgoing/?state=failed"
    found["lyon"].refresh_from_db()
    assert found["lyon"].state == "queued"
    assert DBTaskResult.objects.count() == before + 1
    assert AuditEvent.objects.filter(verb="resent email", target_id=str(found["lyon"].pk), actor=cast.lucie).exists()
    assert mail.outbox == []

    amara = client_for(cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        amara.post(f"/staff/outgoing/{found['paris'].pk}/resend/")
    assert DBTaskResult.objects.count() == before + 1  # still waiting for the worker: not queued twice
    OutgoingMessage.objects.filter(pk=found["paris"].pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        amara.post(f"/staff/outgoing/{found['paris'].pk}/resend/")
    assert DBTaskResult.objects.count() == before + 2  # stuck for an hour: it may be queued again


def test_a_refused_email_is_marked_failed_with_the_server_s_answer(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from binome.lib.mail import deliver_email

    message = send_email(subject="Hello", body="…", to=["x@example.org"], territory_id=cast.paris.pk)

    def refuse(**kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("binome.lib.mail._send", refuse)
    with pytest.raises(ConnectionRefusedError):
        deliver_email.call(message.pk)
    message.refresh_from_db()
    assert message.state == "failed"
    assert "mail server down" in message.error
    assert message.attempts == 1
