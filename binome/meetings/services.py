"""Writes of the meeting log: every one names who acted; a meeting counts once confirmed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.meetings import engagement
from binome.meetings.models import Meeting, NetworkIntroduction
from binome.pairing.models import Duo


def _check_date(duo: Duo, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"held_on": _("This date is in the future: record a meeting once it has taken place.")})
    if day < duo.started_on:
        raise ValidationError({"held_on": _("This date is before the duo started.")})


@transaction.atomic
def record_meeting(duo: Duo, *, actor: Actor, author: str, **fields: Any) -> Meeting:
    """Record a meeting. Staff entries count at once; a member's entry waits for the other's confirmation."""
    duo = Duo.objects.select_for_update().get(pk=duo.pk)  # its status as it is now, not as the page saw it
    if duo.status != Duo.Status.ACTIVE:
        raise ValidationError(_("Meetings can only be recorded for an active duo."))
    if author not in Meeting.Author.values:
        raise ValidationError(_("Unknown author."))
    _check_date(duo, fields["held_on"])
    meeting = Meeting(duo=duo, recorded_as=author, recorded_by=actor, **fields)
    if author == Meeting.Author.STAFF:
        meeting.confirmed_at, meeting.confirmed_by = timezone.now(), actor
    meeting.full_clean()
    meeting.save()
    audit.record(actor=actor, verb=audit.Verb.RECORDED_MEETING, target=meeting, duo=duo.pk)
    if meeting.is_confirmed:
        engagement.refresh_duo(duo)
    return meeting


@transaction.atomic
def confirm_meeting(meeting: Meeting, *, actor: Actor, as_role: str) -> Meeting:
    """The other member (or staff) confirms; confirming twice changes nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_confirmed:
        return meeting
    if as_role == meeting.recorded_as:
        raise ValidationError(_("The other member of the duo confirms this meeting, not the one who recorded it."))
    if as_role not in Meeting.Author.values:
        raise ValidationError(_("Unknown author."))
    meeting.confirmed_at, meeting.confirmed_by = timezone.now(), actor
    meeting.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(actor=actor, verb=audit.Verb.CONFIRMED_MEETING, target=meeting)
    engagement.refresh_duo(meeting.duo)  # the duo's "no meeting" alert goes at once
    return meeting


@transaction.atomic
def record_introduction(duo: Duo, *, actor: Actor, **fields: Any) -> NetworkIntroduction:
    duo = Duo.objects.select_for_update().get(pk=duo.pk)
    if not duo.is_live:
        raise ValidationError(_("Introductions can only be recorded for a running duo."))
    _check_date(duo, fields["introduced_on"])
    introduction = NetworkIntroduction(duo=duo, recorded_by=actor, **fields)
    introduction.full_clean()
    introduction.save()
    audit.record(actor=actor, verb=audit.Verb.RECORDED_INTRODUCTION, target=introduction, duo=duo.pk)
    return introduction
