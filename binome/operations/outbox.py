"""The outgoing messages page: what the worker has sent, what still waits, what failed.

A coordinator sees the messages of her territories (those queued with the territory, or to or
about a person of them); a national admin sees all. Only ids, dates, state and the subject are
shown: the text is wiped once sent (binome/lib/models.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.access import scope_of
from binome.accounts.actors import Actor
from binome.audit import audit
from binome.lib.mail import enqueue_messages
from binome.lib.models import OutgoingMessage
from binome.people.models import Person

# A message still queued after this long is stuck (the worker was down): it may be sent again.
STUCK_AFTER = timedelta(minutes=15)

QUEUED = Q(sent_at__isnull=True, failed_at__isnull=True)
SENT = Q(sent_at__isnull=False)
FAILED = Q(sent_at__isnull=True, failed_at__isnull=False)
STATES = {"queued": QUEUED, "sent": SENT, "failed": FAILED}


def messages_visible_to(user: Any) -> QuerySet[OutgoingMessage]:
    scope = scope_of(user)
    people = Person.objects.filter(territory_id__in=scope.territory_ids).values("pk")
    own = Q(territory_id__in=scope.territory_ids) | Q(territory_id__isnull=True) & (
        Q(person_id__in=people) | Q(about_person_id__in=people)
    )
    return scope.visible(OutgoingMessage.objects.all(), own)


def counts(messages: QuerySet[OutgoingMessage]) -> dict[str, int]:
    """{"queued": n, "sent": n, "failed": n}."""
    found = messages.aggregate(**{state: Count("pk", filter=rule) for state, rule in STATES.items()})
    return {state: found[state] or 0 for state in STATES}


def queued_count(user: Any) -> int:
    """What the worker still has to send among the messages the user may see."""
    return messages_visible_to(user).filter(QUEUED).count()


def can_resend(message: OutgoingMessage, *, now: Any = None) -> bool:
    if message.sent_at is not None:
        return False
    return message.failed_at is not None or message.created_at <= (now or timezone.now()) - STUCK_AFTER


@transaction.atomic
def resend(message: OutgoingMessage, *, actor: Actor) -> OutgoingMessage:
    """Queue a failed (or stuck) message again; the worker sends it once (it skips a sent one)."""
    if not can_resend(message):
        raise ValidationError(_("This message is sent or still waiting for the worker: it can't be sent again now."))
    message.failed_at = None
    message.save(update_fields=["failed_at"])
    audit.record(actor=actor, verb=audit.Verb.RESENT_EMAIL, target=message)
    pk = message.pk
    transaction.on_commit(lambda: enqueue_messages([pk]))
    return message
