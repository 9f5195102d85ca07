"""Every write to cohorts, their calendars, workshops, attendance and calendar feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.accounts.models import User
from binome.audit import audit
from binome.cohorts import ics
from binome.cohorts.models import (
    CalendarFeed,
    Cohort,
    CurriculumItem,
    ProgrammeTemplate,
    Resource,
    Workshop,
    WorkshopInvitation,
)
from binome.cohorts.tasks import send_calendar_email
from binome.people.languages import languages_of
from binome.people.models import Person
from binome.territories.models import Territory


def _at(day: date, item: CurriculumItem) -> datetime:
    return datetime.combine(day, item.start_time, tzinfo=ics.PARIS)


@transaction.atomic
def create_cohort(
    *, territory: Territory, name: str, starts_on: date, ends_on: date, template: ProgrammeTemplate | None, actor: Actor
) -> Cohort:
    """A cohort and, from its template, its calendar: one workshop per curriculum item."""
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The cohort must end after it starts.")})
    if template is not None and template.territory_id not in (None, territory.pk):
        raise ValidationError({"template": _("This template belongs to another territory.")})
    if Cohort.objects.filter(territory=territory, name=name).exists():
        raise ValidationError({"name": _("This territory already has a cohort with this name.")})
    cohort = Cohort.objects.create(
        territory=territory, name=name, starts_on=starts_on, ends_on=ends_on, template=template
    )
    if template is not None:
        generate_calendar(cohort)
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=cohort, template=template.pk if template else None)
    return cohort


def generate_calendar(cohort: Cohort) -> list[Workshop]:
    """Workshops dated start + offset. Copies, not links: editing one never touches the template."""
    assert cohort.template is not None
    workshops = []
    for item in cohort.template.items.all():
        starts_at = _at(cohort.starts_on + timedelta(days=item.offset_days), item)
        workshops.append(
            Workshop(
                cohort=cohort,
                item=item,
                kind=item.kind,
                title=item.title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=item.duration_minutes),
                audience=item.audience,
            )
        )
    return Workshop.objects.bulk_create(workshops)


SCHEDULE_FIELDS = {"starts_at", "ends_at", "place"}


@transaction.atomic
def update_workshop(workshop: Workshop, *, actor: Actor, **changes: Any) -> Workshop:
    """Edit one event. If its time or place moves after invitations went out, the invited
    people get the update (same UID, next SEQUENCE)."""
    if workshop.is_cancelled:
        raise ValidationError(_("This workshop is cancelled."))
    changed = [name for name, value in changes.items() if getattr(workshop, name) != value]
    for name in changed:
        setattr(workshop, name, changes[name])
    if workshop.ends_at <= workshop.starts_at:
        raise ValidationError({"ends_at": _("The workshop must end after it starts.")})
    if not changed:
        return workshop
    resend = bool(SCHEDULE_FIELDS & set(changed)) and workshop.invitations.exists()
    if resend:
        workshop.sequence += 1
    workshop.save()
    audit.record(actor=actor, verb=audit.Verb.UPDATED, target=workshop, fields=sorted(changed))
    if resend:
        invitations = list(workshop.invitations.select_related("person"))
        languages = languages_of(invitation.person for invitation in invitations)
        for invitation in invitations:
            _send_invitation(workshop, invitation, language=languages[invitation.person_id], updated=True)
    return workshop


def _when(workshop: Workshop) -> str:
    local = timezone.localtime(workshop.starts_at, ics.PARIS)
    return f"{formats.date_format(local, 'l j F Y')}, {formats.time_format(local, 'H:i')}"


def _send_invitation(
    workshop: Workshop, invitation: WorkshopInvitation, *, language: str, updated: bool = False
) -> None:
    email = invitation.person.email
    if not email:
        return
    with translation.override(language):
        subject = (_("Updated: %(title)s") if updated else _("Invitation: %(title)s")) % {"title": workshop.title}
        body = _(
            "Hello %(first_name)s,\n\nYou are invited to “%(title)s” on %(when)s.\n%(place)s\n\n"
            "The attached file adds it to your calendar.\n\nThe Binôme team"
        ) % {
            "first_name": invitation.person.first_name,
            "title": workshop.title,
            "when": _when(workshop),
            "place": (_("Place: %(place)s") % {"place": workshop.place}) if workshop.place else "",
        }
    send_calendar_email(
        subject=subject, body=body, to=[email], ics=ics.invitation_ics(workshop, attendee=email), method="REQUEST"
    )


# (person, WorkshopInvitation.Role) for each person a workshop is for.
type Members = list[tuple[Person, str]]


@dataclass(frozen=True)
class Invited:
    sent: int  # invitations sent now
    left_out: int  # people the workshop is for who could not be invited: it is full


@transaction.atomic
def invite_to_workshop(workshop: Workshop, *, members: Members, actor: Actor) -> Invited:
    """Invite the cohort's mentors and/or mentees (by the workshop's audience) who are not
    invited yet, by email with an .ics, up to the workshop's capacity.

    `members` is who the workshop is for, `binome.pairing.workshops.cohort_members(cohort,
    audience)`: the cohort's duos decide it, and they live above this app."""
    # The row lock makes two coordinators pressing "invite" at once count the same places.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.is_cancelled:
        raise ValidationError(_("A cancelled workshop can't be sent out."))
    if workshop.ends_at <= timezone.now():
        raise ValidationError(_("This workshop is over: there is nobody to invite any more."))
    already = set(workshop.invitations.values_list("person_id", flat=True))
    candidates = [
        WorkshopInvitation(workshop=workshop, person=person, role=role)
        for person, role in members
        if person.pk not in already
    ]
    places = len(candidates) if workshop.capacity is None else max(workshop.capacity - len(already), 0)
    new = candidates[:places]
    WorkshopInvitation.objects.bulk_create(new)
    languages = languages_of(invitation.person for invitation in new)
    for invitation in new:
        _send_invitation(workshop, invitation, language=languages[invitation.person_id])
    audit.record(actor=actor, verb=audit.Verb.INVITED, target=workshop, count=len(new))
    return Invited(sent=len(new), left_out=len(candidates) - len(new))


@transaction.atomic
def cancel_workshop(workshop: Workshop, *, actor: Actor) -> int:
    """Cancel and tell everyone invited (METHOD:CANCEL, same UID, higher SEQUENCE). Returns
    the number of emails queued."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.is_cancelled:
        raise ValidationError(_("This workshop is already cancelled."))
    workshop.status = Workshop.Status.CANCELLED
    workshop.sequence += 1
    workshop.save(update_fields=["status", "sequence"])
    audit.record(actor=actor, verb=audit.Verb.CANCELLED, target=workshop)
    sent = 0
    invitations = list(workshop.invitations.select_related("person"))
    languages = languages_of(invitation.person for invitation in invitations)
    for invitation in invitations:
        email = invitation.person.email
        if not email:
            continue
        with translation.override(languages[invitation.person_id]):
            subject = _("Cancelled: %(title)s") % {"title": workshop.title}
            body = _(
                "Hello %(first_name)s,\n\n“%(title)s” planned on %(when)s is cancelled. "
                "The attached file removes it from your calendar.\n\nThe Binôme team"
            ) % {"first_name": invitation.person.first_name, "title": workshop.title, "when": _when(workshop)}
        send_calendar_email(
            subject=subject, body=body, to=[email], ics=ics.cancellation_ics(workshop, attendee=email), method="CANCEL"
        )
        sent += 1
    return sent


def attendance_open(workshop: Workshop) -> bool:
    """Attendance is taken from the workshop's day on, never for a cancelled one."""
    return not workshop.is_cancelled and timezone.localdate(workshop.starts_at) <= timezone.localdate()


@transaction.atomic
def mark_workshop_attendance(invitation: WorkshopInvitation, *, present: bool, actor: Actor) -> WorkshopInvitation:
    if not attendance_open(invitation.workshop):
        raise ValidationError(_("Attendance can be taken from the day of the workshop, and not for a cancelled one."))
    invitation.present = present
    invitation.save(update_fields=["present"])
    audit.record(actor=actor, verb=audit.Verb.MARKED_ATTENDANCE, target=invitation, fields=["present"])
    return invitation


# --- calendar feeds --------------------------------------------------------------


@transaction.atomic
def regenerate_calendar_feed(*, actor: User) -> CalendarFeed:
    """A new secret URL for the signed-in user; the old one stops working at once."""
    CalendarFeed.objects.filter(user=actor).delete()
    feed = CalendarFeed.objects.create(user=actor)
    audit.record(actor=actor, verb=audit.Verb.REGENERATED, target=feed)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, actor: Actor) -> None:
    feed = CalendarFeed.objects.filter(user=actor).first()
    if feed is not None:
        audit.record(actor=actor, verb=audit.Verb.REVOKED, target=feed)
        feed.delete()


# --- templates -------------------------------------------------------------------


def clone_template(template: ProgrammeTemplate, *, territory: Territory, name: str) -> ProgrammeTemplate:
    """A territory's own copy of a template, with its curriculum and its resources."""
    copy = ProgrammeTemplate.objects.create(
        name=name,
        description=template.description,
        duration_weeks=template.duration_weeks,
        territory=territory,
        survey_plan=template.survey_plan,
    )
    for item in template.items.prefetch_related("resources"):
        resources = list(item.resources.all())
        item.pk = None
        item.template = copy
        item.save()
        for resource in resources:
            resource.pk = None
            resource.item = item
        Resource.objects.bulk_create(resources)
    return copy


# --- curriculum of a template ------------------------------------------------------


@transaction.atomic
def save_curriculum_item(
    template: ProgrammeTemplate, *, actor: Actor, item: CurriculumItem | None = None, **fields: Any
) -> CurriculumItem:
    """Add or change one event of a template. Cohorts already created keep their calendar."""
    item = item or CurriculumItem(template=template)
    if item.template_id != template.pk:
        raise ValidationError(_("This event belongs to another template."))
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit.record(actor=actor, verb=audit.Verb.SAVED_CURRICULUM_ITEM, target=item, fields=sorted(fields))
    return item


@transaction.atomic
def remove_curriculum_item(item: CurriculumItem, *, actor: Actor) -> None:
    """Remove an event from a template; generated workshops keep their copy (their link is cleared)."""
    audit.record(actor=actor, verb=audit.Verb.REMOVED_CURRICULUM_ITEM, target=item, title=item.title)
    item.delete()


@transaction.atomic
def set_survey_plan(template: ProgrammeTemplate, *, actor: Actor, codes: list[str]) -> ProgrammeTemplate:
    """Which questionnaires the template's cohorts use; waves already opened are kept."""
    template.survey_plan = sorted(set(codes))
    template.save(update_fields=["survey_plan"])
    audit.record(actor=actor, verb=audit.Verb.SET_SURVEY_PLAN, target=template, codes=template.survey_plan)
    return template
