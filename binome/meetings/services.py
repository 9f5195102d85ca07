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
    """Record a meeting. It waits for the other member's confirmation (either member's for a
    coordinator's entry): nobody confirms their own word."""
    duo = Duo.objects.select_for_update().get(pk=duo.pk)  # its status as it is now, not as the page saw it
    if duo.status != Duo.Status.ACTIVE:
        raise ValidationError(_("Meetings can only be recorded for an active duo."))
    if author not in Meeting.Author.values:
        raise ValidationError(_("Unknown author."))
    _check_date(duo, fields["held_on"])
    meeting = Meeting(duo=duo, recorded_as=author, recorded_by=actor, **fields)
    meeting.full_clean()
    meeting.save()
    audit.record(actor=actor, verb=audit.Verb.RECORDED_MEETING, target=meeting, duo=duo.pk)
    return meeting


@transaction.atomic
def confirm_meeting(meeting: Meeting, *, actor: Actor, as_role: str) -> Meeting:
    """The other member confirms; confirming twice changes nothing. A coordinator does not confirm
    on a member's behalf: they record the member's phone confirmation (record_phone_confirmation)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_confirmed:
        return meeting
    if as_role == Meeting.Author.STAFF:
        raise ValidationError(
            _("A coordinator does not confirm a meeting: record the member's confirmation on the phone instead.")
        )
    if as_role not in (Meeting.Author.MENTOR, Meeting.Author.MENTEE):
        raise ValidationError(_("Unknown author."))
    if as_role == meeting.recorded_as:
        raise ValidationError(_("The other member of the duo confirms this meeting, not the one who recorded it."))
    meeting.confirmed_at, meeting.confirmed_by, meeting.confirmed_as = timezone.now(), actor, as_role
    meeting.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_as"])
    audit.record(actor=actor, verb=audit.Verb.CONFIRMED_MEETING, target=meeting, confirmed_as=as_role)
    engagement.refresh_duo(meeting.duo)  # the duo's "no meeting" alert goes at once
    return meeting


def phone_confirmers(meeting: Meeting) -> list[str]:
    """Who may confirm a meeting on the phone: the member who did not record it (either member
    for a coordinator's entry)."""
    return [side for side in (Meeting.Author.MENTOR, Meeting.Author.MENTEE) if side != meeting.recorded_as]


@transaction.atomic
def record_phone_confirmation(meeting: Meeting, *, actor: Actor, member: str, reason: str) -> Meeting:
    """A coordinator records that a member confirmed the meeting on the phone: the member's name,
    the coordinator (the actor) and why. The meeting then counts, marked as confirmed by phone."""
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("duo__mentor__person", "duo__mentee__person")
        .get(pk=meeting.pk)
    )
    if meeting.is_confirmed:
        raise ValidationError(_("This meeting is already confirmed."))
    if member not in phone_confirmers(meeting):
        raise ValidationError(
            {"member": _("The member who recorded this meeting cannot confirm it: choose the other member.")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member confirmed on the phone.")})
    person = meeting.duo.mentor.person if member == Meeting.Author.MENTOR else meeting.duo.mentee.person
    meeting.confirmed_at, meeting.confirmed_by = timezone.now(), actor
    meeting.confirmed_as = Meeting.Confirmation.PHONE
    meeting.phone_member_name = person.full_name
    meeting.phone_reason = reason.strip()
    meeting.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_as", "phone_member_name", "phone_reason"])
    audit.record(actor=actor, verb=audit.Verb.CONFIRMED_MEETING, target=meeting, confirmed_as="phone", member=member)
    engagement.refresh_duo(meeting.duo)
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
