"""Writes of in-company events: create, register (capacity under a row lock), attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.events.models import CompanyEvent, EventRegistration
from binome.organisations.models import Organisation
from binome.people.models import MenteeProfile, MentorProfile, Person
from binome.privacy import audit

Audience = EventRegistration.Audience


@transaction.atomic
def create_event(
    *,
    company: Organisation,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    place: str,
    capacity: int,
    actor: Any,
) -> CompanyEvent:
    if not company.is_company or company.territory_id is None:
        raise ValidationError({"company": _("An in-company event needs a company of a territory.")})
    event = CompanyEvent(
        company=company,
        territory_id=company.territory_id,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        place=place.strip(),
        capacity=capacity,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    event.full_clean()
    event.save()
    audit.record(actor=actor, verb="created", target=event)
    return event


def audience_of(event: CompanyEvent, person: Person) -> str:
    """Employees are mentors of the event's company; mentees are the programme's mentees of its territory."""
    if MentorProfile.objects.filter(person=person, company_id=event.company_id).exists():
        return Audience.EMPLOYEE
    if MenteeProfile.objects.filter(person=person).exists() and person.territory_id == event.territory_id:
        return Audience.MENTEE
    raise ValidationError(
        _("Only the company's employees enrolled as mentors and the territory's mentees can be registered.")
    )


@transaction.atomic
def register(event: CompanyEvent, person: Person, *, actor: Any) -> EventRegistration:
    """Register one person. The event row is locked first, so two registrations at once cannot
    both take the last place."""
    event = CompanyEvent.objects.select_for_update().get(pk=event.pk)
    audience = audience_of(event, person)
    if event.registrations.filter(person=person).exists():
        raise ValidationError(_("%(name)s is already registered.") % {"name": person.full_name})
    taken = event.registrations.count()
    if taken >= event.capacity:
        raise ValidationError(
            _("This event is full: all %(capacity)s places are taken.") % {"capacity": event.capacity}
        )
    registration = EventRegistration.objects.create(
        event=event,
        person=person,
        audience=audience,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, verb="registered", target=person, event=event.pk)
    return registration


@transaction.atomic
def unregister(registration: EventRegistration, *, actor: Any) -> None:
    registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.present is not None:
        raise ValidationError(_("Attendance is already taken for this person: mark them absent instead."))
    audit.record(actor=actor, verb="unregistered", target=registration.person, event=registration.event_id)
    registration.delete()


@transaction.atomic
def mark_attendance(registration: EventRegistration, *, present: bool, actor: Any) -> EventRegistration:
    registration = EventRegistration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if registration.event.day > timezone.localdate():
        raise ValidationError(_("Attendance can be taken from the day of the event."))
    if registration.present != present:
        registration.present = present
        registration.save(update_fields=["present"])
        audit.record(actor=actor, verb="attendance", target=registration.person, event=registration.event_id)
    return registration
