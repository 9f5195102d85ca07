"""Reads of in-company events: who may see them, counts, and the summaries reports use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binome.accounts import access
from binome.events.models import CompanyEvent, EventRegistration
from binome.organisations.models import Organisation
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.territories.models import Territory

PARIS = ZoneInfo("Europe/Paris")
Audience = EventRegistration.Audience


def events_visible_to(user: Any) -> QuerySet[CompanyEvent]:
    """Staff of the event's territory; company contacts for their own company's events."""
    scope = access.scope_of(user)
    if scope.national_admin:
        return CompanyEvent.objects.all()
    return CompanyEvent.objects.filter(Q(territory_id__in=scope.territory_ids) | Q(company_id__in=scope.company_ids))


def staff_events_visible_to(user: Any) -> QuerySet[CompanyEvent]:
    """The staff pages: the event's territory only (a company contact who is also staff elsewhere
    manages only the territories they coordinate)."""
    scope = access.scope_of(user)
    if scope.national_admin:
        return CompanyEvent.objects.all()
    return CompanyEvent.objects.filter(territory_id__in=scope.territory_ids)


def company_events_visible_to(user: Any) -> QuerySet[CompanyEvent]:
    """The company portal: events of the contact's own companies."""
    return CompanyEvent.objects.filter(company_id__in=access.scope_of(user).company_ids)


def with_counts(events: QuerySet[CompanyEvent]) -> QuerySet[CompanyEvent]:
    employee, mentee = Q(registrations__audience=Audience.EMPLOYEE), Q(registrations__audience=Audience.MENTEE)
    present = Q(registrations__present=True)
    return events.select_related("company", "territory").annotate(
        registered=Count("registrations"),
        employees_registered=Count("registrations", filter=employee),
        mentees_registered=Count("registrations", filter=mentee),
        employees_present=Count("registrations", filter=employee & present),
        mentees_present=Count("registrations", filter=mentee & present),
    )


def staff_event_for(user: Any, pk: int) -> CompanyEvent:
    return get_object_or_404(staff_events_visible_to(user).select_related("company", "territory"), pk=pk)


def people_to_register(event: CompanyEvent) -> tuple[QuerySet[Person], QuerySet[Person]]:
    """The company's employees enrolled as mentors, and the territory's mentees, not yet registered."""
    already = event.registrations.values("person_id")
    employees = (
        Person.objects.filter(pk__in=MentorProfile.objects.filter(company_id=event.company_id).values("person_id"))
        .exclude(pk__in=already)
        .order_by("last_name", "first_name")
    )
    mentees = (
        Person.objects.filter(
            territory_id=event.territory_id,
            pk__in=MenteeProfile.objects.values("person_id"),
        )
        .exclude(pk__in=already)
        .order_by("last_name", "first_name")
    )
    return employees, mentees


# --- summaries for reports ---------------------------------------------------------------
@dataclass(frozen=True)
class EventsSummary:
    """Counts of events, registrations and attendance by audience, over a period. Cancelled
    events are left out of every count: they were neither held nor planned any more."""

    events: int = 0
    past_events: int = 0
    employees_registered: int = 0
    mentees_registered: int = 0
    employees_present: int = 0
    mentees_present: int = 0

    @property
    def registered(self) -> int:
        return self.employees_registered + self.mentees_registered

    @property
    def present(self) -> int:
        return self.employees_present + self.mentees_present


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of `start` to the end of `end`, both days included, in Paris time."""
    return datetime.combine(start, time.min, tzinfo=PARIS), datetime.combine(end, time.max, tzinfo=PARIS)


def _summary(events: QuerySet[CompanyEvent], start: date, end: date) -> EventsSummary:
    low, high = _bounds(start, end)
    events = events.filter(starts_at__gte=low, starts_at__lte=high, cancelled_at__isnull=True)
    now = timezone.now()
    heads = events.aggregate(events=Count("pk"), past_events=Count("pk", filter=Q(starts_at__lt=now)))
    employee, mentee = Q(audience=Audience.EMPLOYEE), Q(audience=Audience.MENTEE)
    counts = EventRegistration.objects.filter(event__in=events).aggregate(
        employees_registered=Count("pk", filter=employee),
        mentees_registered=Count("pk", filter=mentee),
        employees_present=Count("pk", filter=employee & Q(present=True)),
        mentees_present=Count("pk", filter=mentee & Q(present=True)),
    )
    return EventsSummary(**heads, **counts)


def events_summary_for_company(company: Organisation, start: date, end: date) -> EventsSummary:
    """The company's in-company events between two days (both included): two queries."""
    return _summary(CompanyEvent.objects.filter(company=company), start, end)


def events_summary_for_territory(territory: Territory, start: date, end: date) -> EventsSummary:
    """The territory's in-company events between two days (both included): two queries."""
    return _summary(CompanyEvent.objects.filter(territory=territory), start, end)


def company_section_events(user: Any, *, limit: int = 5) -> list[CompanyEvent]:
    """For `portals/events/_company_section.html` (context name `company_events`): the next
    events of the contact's companies, or the latest ones when none is planned."""
    visible = with_counts(company_events_visible_to(user))
    upcoming = list(visible.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:limit])
    return upcoming or list(visible.order_by("-starts_at")[:limit])
