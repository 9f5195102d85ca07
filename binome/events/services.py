"""Writes of in-company events: create, edit, cancel, register (capacity under a row lock), attendance."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.events.models import CompanyEvent, EventRegistration
from binome.organisations.models import Organisation
from binome.people.models import MenteeProfile, MentorProfile, Person

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
    actor: Actor,
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
        created_by=signed_in(actor),
    )
    event.full_clean()
    event.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=event)
    return event


def _refuse_if_cancelled(event: CompanyEvent) -> None:
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))


@transaction.atomic
def update_event(
    event: CompanyEvent,
    *,
    company: Organisation,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    place: str,
    capacity: int,
    actor: Actor,
) -> CompanyEvent:
    """Change an event's details. The row is locked first, as `register` does, so the capacity
    cannot drop below the registrations while someone is being registered."""
    event = CompanyEvent.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
    if not company.is_company or company.territory_id is None:
        raise ValidationError({"company": _("An in-company event needs a company of a territory.")})
    registrations = event.registrations.all()
    taken = registrations.count()
    errors: dict[str, str] = {}
    if capacity < taken:
        errors["capacity"] = ngettext(
            "%(count)s person is already registered: the capacity can't be lower. Take people off the list first.",
            "%(count)s people are already registered: the capacity can't be lower. Take people off the list first.",
            taken,
        ) % {"count": taken}
    if company.pk != event.company_id and taken:
        # Employees were registered as mentors of this company and mentees as mentees of its
        # territory: under another company the list would no longer be right.
        errors["company"] = _(
            "People are already registered: the company can't change. Cancel this event and plan a new one."
        )
    # Attendance taken says who came on that day: moving the event to another day would make the
    # record claim presence at an event that did not happen then (and shift it from one report
    # period to another). So once attendance is recorded the day is fixed; correcting the hour on
    # the same day stays possible. An event without attendance may be postponed freely.
    if timezone.localtime(starts_at).date() != event.day and registrations.filter(present__isnull=False).exists():
        errors["starts_at"] = _(
            "Attendance is already recorded for this day: the event can't move to another day, "
            "only the time can change."
        )
    if errors:
        raise ValidationError(errors)
    fields = {
        "company_id": company.pk,
        "territory_id": company.territory_id,
        "kind": kind,
        "title": title.strip(),
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "format": format,
        "place": place.strip(),
        "capacity": capacity,
    }
    changed = sorted(name.removesuffix("_id") for name, value in fields.items() if getattr(event, name) != value)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    if changed:
        event.save(update_fields=changed)
        audit.record(actor=actor, verb=audit.Verb.UPDATED, target=event, fields=changed)
    return event


@transaction.atomic
def cancel_event(event: CompanyEvent, *, reason: str, actor: Actor) -> CompanyEvent:
    """Call an event off, with the reason kept on it. Registrations stay as they were, for the
    record; the event then takes no more registrations or attendance and no longer counts as held.

    Nobody is told by email: registrations are made by staff and the app sends no mail about
    events, so the coordinator tells the people on the list (the page shows it)."""
    event = CompanyEvent.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    if event.registrations.filter(present=True).exists():
        raise ValidationError(
            _("Someone is marked present: this event took place and can't be cancelled. Correct the attendance first.")
        )
    event.cancelled_at = timezone.now()
    event.cancelled_by = signed_in(actor)
    event.cancellation_reason = reason
    event.full_clean()
    event.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
    # The reason is free text: it stays on the event, never in the audit trail.
    audit.record(actor=actor, verb=audit.Verb.CANCELLED, target=event, registrations=event.registrations.count())
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
def register(event: CompanyEvent, person: Person, *, actor: Actor) -> EventRegistration:
    """Register one person. The event row is locked first, so two registrations at once cannot
    both take the last place."""
    event = CompanyEvent.objects.select_for_update().get(pk=event.pk)
    _refuse_if_cancelled(event)
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
        registered_by=signed_in(actor),
    )
    audit.record(actor=actor, verb=audit.Verb.REGISTERED, target=person, event=event.pk)
    return registration


@transaction.atomic
def unregister(registration: EventRegistration, *, actor: Actor) -> None:
    registration = EventRegistration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    _refuse_if_cancelled(registration.event)
    if registration.present is not None:
        raise ValidationError(_("Attendance is already taken for this person: mark them absent instead."))
    audit.record(actor=actor, verb=audit.Verb.UNREGISTERED, target=registration.person, event=registration.event_id)
    registration.delete()


@transaction.atomic
def mark_attendance(registration: EventRegistration, *, present: bool, actor: Actor) -> EventRegistration:
    registration = EventRegistration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    _refuse_if_cancelled(registration.event)
    if registration.event.day > timezone.localdate():
        raise ValidationError(_("Attendance can be taken from the day of the event."))
    if registration.present != present:
        registration.present = present
        registration.save(update_fields=["present"])
        audit.record(actor=actor, verb=audit.Verb.ATTENDANCE, target=registration.person, event=registration.event_id)
    return registration
