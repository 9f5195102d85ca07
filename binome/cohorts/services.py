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
from binome.lib.mail import Email, queue_emails
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


def update_workshop(workshop: Workshop, *, actor: Actor, **changes: Any) -> Workshop:
    """Edit one event. If its time or place moves after invitations went out, the invited
    people get the update (same UID, next SEQUENCE), queued once the change is saved: the emails
    are written outside the write transaction."""
    with transaction.atomic():
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
        invited = [invitation.person for invitation in workshop.invitations.select_related("person")]
        languages = languages_of(invited)
        queue_emails(
            [
                _invitation_email([workshop], person, language=languages[person.pk], updated=True)
                for person in invited
                if person.email
            ]
        )
    return workshop


def _when(workshop: Workshop) -> str:
    local = timezone.localtime(workshop.starts_at, ics.PARIS)
    return f"{formats.date_format(local, 'l j F Y')}, {formats.time_format(local, 'H:i')}"


def _line(workshop: Workshop) -> str:
    place = (" · " + workshop.place) if workshop.place else ""
    return f"- {workshop.title}: {_when(workshop)}{place}"


def _invitation_email(workshops: list[Workshop], person: Person, *, language: str, updated: bool = False) -> Email:
    """One email to one person for one or more workshops of a cohort, one .ics file each."""
    email = person.email
    first = workshops[0]
    with translation.override(language):
        if len(workshops) == 1:
            subject = (_("Updated: %(title)s") if updated else _("Invitation: %(title)s")) % {"title": first.title}
            body = _(
                "Hello %(first_name)s,\n\nYou are invited to “%(title)s” on %(when)s.\n%(place)s\n\n"
                "The attached file adds it to your calendar.\n\nThe Binôme team"
            ) % {
                "first_name": person.first_name,
                "title": first.title,
                "when": _when(first),
                "place": (_("Place: %(place)s") % {"place": first.place}) if first.place else "",
            }
        else:
            subject = _("%(cohort)s: your %(n)s workshop dates") % {"cohort": first.cohort.name, "n": len(workshops)}
            body = _(
                "Hello %(first_name)s,\n\nYou are invited to these %(n)s events of “%(cohort)s”:\n\n%(dates)s\n\n"
                "Each attached file adds one of them to your calendar.\n\nThe Binôme team"
            ) % {
                "first_name": person.first_name,
                "n": len(workshops),
                "cohort": first.cohort.name,
                "dates": "\n".join(_line(workshop) for workshop in workshops),
            }
    return Email(
        subject=subject,
        body=body,
        to=[email],
        person_id=person.pk,
        calendar="".join(ics.invitation_ics(workshop, attendee=email) for workshop in workshops),
        calendar_method="REQUEST",
        territory_id=first.cohort.territory_id,
    )


# (person, WorkshopInvitation.Role) for each person a workshop is for.
type Members = list[tuple[Person, str]]


@dataclass(frozen=True)
class Invited:
    sent: int  # invitations sent now
    left_out: int  # people the workshop is for who could not be invited: it is full


@dataclass(frozen=True)
class Published:
    """What publishing a cohort's calendar did."""

    invitations: int  # workshop invitations created
    emails: int  # emails queued: one per person, with every new date
    people: int  # people invited to at least one workshop
    left_out: int  # (person, workshop) invitations that did not fit a full workshop
    workshops: int  # upcoming workshops the calendar has


def _refuse_closed(workshop: Workshop) -> None:
    if workshop.is_cancelled:
        raise ValidationError(_("A cancelled workshop can't be sent out."))
    if workshop.ends_at <= timezone.now():
        raise ValidationError(_("This workshop is over: there is nobody to invite any more."))


def _plan(workshops: list[Workshop], members: dict[str, Members]) -> tuple[dict[int, list[WorkshopInvitation]], int]:
    """The invitations still to create, workshop by workshop, up to each workshop's capacity;
    and how many people did not fit."""
    invited: dict[int, set[int]] = {workshop.pk: set() for workshop in workshops}
    pairs = WorkshopInvitation.objects.filter(workshop__in=workshops).values_list("workshop_id", "person_id")
    for workshop_id, person_id in pairs:
        invited[workshop_id].add(person_id)
    plan: dict[int, list[WorkshopInvitation]] = {}
    left_out = 0
    for workshop in workshops:
        already = invited[workshop.pk]
        candidates = [
            WorkshopInvitation(workshop=workshop, person=person, role=role)
            for person, role in members.get(workshop.audience, [])
            if person.pk not in already
        ]
        places = len(candidates) if workshop.capacity is None else max(workshop.capacity - len(already), 0)
        plan[workshop.pk] = candidates[:places]
        left_out += len(candidates) - len(plan[workshop.pk])
    return plan, left_out


def _by_person(workshops: list[Workshop], plan: dict[int, list[WorkshopInvitation]]) -> dict[int, list[Workshop]]:
    dates: dict[int, list[Workshop]] = {}
    for workshop in workshops:
        for invitation in plan[workshop.pk]:
            dates.setdefault(invitation.person_id, []).append(workshop)
    return dates


def _send_out(workshops: list[Workshop], members: dict[str, Members], *, actor: Actor) -> tuple[int, int, int, int]:
    """Invite, to these workshops (of one cohort, by date), the members they are for who are not
    invited yet: one email per person with every new date, one .ics file each.

    SQLite has one writer at a time: the emails (text and .ics files, the slow part) are written
    before the write transaction, which then only re-checks, saves the invitations and the queued
    messages in a few statements, and commits. Returns (invitations, emails, people, left out)."""
    people = {person.pk: person for group in members.values() for person, _role in group}
    languages = languages_of(people.values())
    plan, _left = _plan(workshops, members)
    drafts = {
        pk: (tuple(w.pk for w in dates), _invitation_email(dates, people[pk], language=languages[pk]))
        for pk, dates in _by_person(workshops, plan).items()
        if people[pk].email
    }
    with transaction.atomic():
        # The row locks make two coordinators pressing "invite" at once count the same places.
        locked = list(Workshop.objects.select_for_update().filter(pk__in=[w.pk for w in workshops]))
        for workshop in locked:
            _refuse_closed(workshop)
        plan, left_out = _plan(workshops, members)  # again, under the lock
        new = [invitation for workshop in workshops for invitation in plan[workshop.pk]]
        WorkshopInvitation.objects.bulk_create(new)
        emails = []
        for pk, dates in _by_person(workshops, plan).items():
            if not people[pk].email:
                continue
            drafted = drafts.get(pk)
            if drafted is None or drafted[0] != tuple(w.pk for w in dates):  # someone invited meanwhile
                drafted = ((), _invitation_email(dates, people[pk], language=languages[pk]))
            emails.append(drafted[1])
        queue_emails(emails)
        for workshop in workshops:
            audit.record(actor=actor, verb=audit.Verb.INVITED, target=workshop, count=len(plan[workshop.pk]))
    return len(new), len(emails), len({i.person_id for i in new}), left_out


def invite_to_workshop(workshop: Workshop, *, members: Members, actor: Actor) -> Invited:
    """Invite the cohort's mentors and/or mentees (by the workshop's audience) who are not
    invited yet, by email with an .ics, up to the workshop's capacity.

    `members` is who the workshop is for, `binome.pairing.workshops.cohort_members(cohort,
    audience)`: the cohort's duos decide it, and they live above this app."""
    workshop = Workshop.objects.select_related("cohort").get(pk=workshop.pk)
    _refuse_closed(workshop)
    invitations, _emails, _people, left_out = _send_out([workshop], {workshop.audience: members}, actor=actor)
    return Invited(sent=invitations, left_out=left_out)


def upcoming_workshops(cohort: Cohort) -> list[Workshop]:
    """The workshops publishing the calendar sends: not cancelled, not over, by date."""
    found = cohort.workshops.select_related("cohort").filter(status=Workshop.Status.PLANNED, ends_at__gt=timezone.now())
    return list(found.order_by("starts_at", "pk"))


def publish_calendar(cohort: Cohort, *, members: dict[str, Members], actor: Actor) -> Published:
    """Send the cohort's calendar: everyone each upcoming workshop is for, who is not invited yet,
    gets ONE email with all their new dates (one .ics file per workshop), not one email per workshop.
    Sending again only invites who is new (a duo confirmed since, a workshop added).

    `members`: who each audience is, `{audience: cohort_members(cohort, audience)}` (binome.pairing)."""
    workshops = upcoming_workshops(cohort)
    if not workshops:
        raise ValidationError(_("This calendar has no upcoming workshop to send."))
    invitations, emails, people, left_out = _send_out(workshops, members, actor=actor)
    return Published(invitations=invitations, emails=emails, people=people, left_out=left_out, workshops=len(workshops))


def cancel_workshop(workshop: Workshop, *, actor: Actor) -> int:
    """Cancel and tell everyone invited (METHOD:CANCEL, same UID, higher SEQUENCE). Returns
    the number of emails queued (written after the short write transaction)."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().select_related("cohort").get(pk=workshop.pk)
        if workshop.is_cancelled:
            raise ValidationError(_("This workshop is already cancelled."))
        workshop.status = Workshop.Status.CANCELLED
        workshop.sequence += 1
        workshop.save(update_fields=["status", "sequence"])
        audit.record(actor=actor, verb=audit.Verb.CANCELLED, target=workshop)
    invited = [invitation.person for invitation in workshop.invitations.select_related("person")]
    languages = languages_of(invited)
    emails = []
    for person in invited:
        if not person.email:
            continue
        with translation.override(languages[person.pk]):
            subject = _("Cancelled: %(title)s") % {"title": workshop.title}
            body = _(
                "Hello %(first_name)s,\n\n“%(title)s” planned on %(when)s is cancelled. "
                "The attached file removes it from your calendar.\n\nThe Binôme team"
            ) % {"first_name": person.first_name, "title": workshop.title, "when": _when(workshop)}
        emails.append(
            Email(
                subject=subject,
                body=body,
                to=[person.email],
                person_id=person.pk,
                calendar=ics.cancellation_ics(workshop, attendee=person.email),
                calendar_method="CANCEL",
                territory_id=workshop.cohort.territory_id,
            )
        )
    queue_emails(emails)
    return len(emails)


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
