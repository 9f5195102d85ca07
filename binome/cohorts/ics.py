"""iCalendar (RFC 5545) for workshops: invitations (METHOD:REQUEST), cancellations
(METHOD:CANCEL, same UID, higher SEQUENCE) and the private subscription feeds.

Times are written in Europe/Paris with a VTIMEZONE, so a calendar app shows 18:30 on
both sides of a daylight-saving change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from binome.cohorts.models import Workshop

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Binôme//Programme calendar//FR"


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a feed: a workshop, or a mentor training session (which is not a workshop)."""

    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    description: str = ""
    cancelled: bool = False


def entry_for(workshop: Workshop) -> CalendarEntry:
    return CalendarEntry(
        uid=workshop.uid,
        sequence=workshop.sequence,
        title=workshop.title,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        place=workshop.place,
        description=workshop.facilitator,
        cancelled=workshop.is_cancelled,
    )


def _organizer_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "no-reply@binome.localhost"


def _event(entry: CalendarEntry, *, attendee: str | None = None, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    event.add("sequence", entry.sequence)
    event.add("dtstart", entry.starts_at.astimezone(PARIS))
    event.add("dtend", entry.ends_at.astimezone(PARIS))
    event.add("summary", entry.title)
    if entry.place:
        event.add("location", entry.place)
    if entry.description:
        event.add("description", entry.description)
    event.add("status", "CANCELLED" if cancelled or entry.cancelled else "CONFIRMED")
    # RFC 5546 (iTIP): a REQUEST or CANCEL names its organiser and the attendee it goes to.
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText("Binôme")
    event.add("organizer", organizer)
    if attendee:
        address = vCalAddress(f"mailto:{attendee}")
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("FALSE")
        event.add("attendee", address)
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def invitation_ics(workshop: Workshop, *, attendee: str) -> str:
    calendar = _calendar("REQUEST")
    calendar.add_component(_event(entry_for(workshop), attendee=attendee))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def cancellation_ics(workshop: Workshop, *, attendee: str) -> str:
    """Same UID as the invitation and the workshop's (already raised) SEQUENCE, so calendar
    apps remove the event they hold."""
    calendar = _calendar("CANCEL")
    calendar.add_component(_event(entry_for(workshop), attendee=attendee, cancelled=True))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def feed_ics(entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    calendar = _calendar(None, name=name)
    for entry in entries:
        calendar.add_component(_event(entry))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(workshop: Workshop) -> bytes:
    """One workshop as a file to open: "add to my calendar" on a phone (no METHOD, so calendar
    apps import it rather than treat it as an invitation to answer)."""
    calendar = _calendar(None)
    calendar.add_component(_event(entry_for(workshop)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# Web calendars take an event in the link itself (documented deep links, no account or API key):
# the Android phones whose browser does not open webcal: or .ics files use one of these.
def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(workshop: Workshop) -> str:
    query = {
        "action": "TEMPLATE",
        "text": workshop.title,
        "dates": f"{_utc(workshop.starts_at)}/{_utc(workshop.ends_at)}",
        "location": workshop.place,
        "details": workshop.facilitator,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(workshop: Workshop) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": workshop.title,
        "startdt": workshop.starts_at.astimezone(UTC).isoformat(),
        "enddt": workshop.ends_at.astimezone(UTC).isoformat(),
        "location": workshop.place,
        "body": workshop.facilitator,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
