"""Mentor training: sessions, registrations, attendance and waivers.

A mentor becomes matchable once trained (present at a session) or once staff waive the
training with a written reason (`MentorProfile.is_matchable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.accounts.models import Role
from binome.audit import audit
from binome.lib.mail import send_email
from binome.people.languages import languages_of
from binome.people.models import MentorProfile
from binome.sourcing.models import TrainingAttendance, TrainingSession
from binome.territories.models import Territory

Training = MentorProfile.Training
NOT_YET_TRAINED = [Training.NOT_STARTED, Training.SCHEDULED]


def session_date(session: TrainingSession) -> date:
    return timezone.localtime(session.starts_at).date()


# --- reads ----------------------------------------------------------------------------
def sessions_with_counts(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.select_related("territory").annotate(
        registered=Count("attendances", distinct=True),
        present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
    )


def mentors_to_register(session: TrainingSession) -> QuerySet[MentorProfile]:
    """Mentors of the session's territory not yet trained nor waived, and not already on its list."""
    return (
        MentorProfile.objects.filter(person__territory=session.territory, training_status__in=NOT_YET_TRAINED)
        .exclude(training_attendances__session=session)
        .select_related("person", "company")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def upcoming_sessions_for(profile: MentorProfile, *, limit: int = 3) -> list[TrainingSession]:
    """The next sessions of the mentor's territory (their own registrations first)."""
    now = timezone.now()
    upcoming = TrainingSession.objects.filter(territory_id=profile.person.territory_id, starts_at__gte=now)
    mine = list(upcoming.filter(attendances__mentor=profile))
    others = list(upcoming.exclude(attendances__mentor=profile)[: max(limit - len(mine), 0)])
    for session in mine:
        session.is_mine = True  # type: ignore[attr-defined]
    return mine + others


# --- writes ---------------------------------------------------------------------------
@transaction.atomic
def create_session(
    *, territory: Territory, starts_at: datetime, place: str, capacity: int, facilitator: str, actor: Actor
) -> TrainingSession:
    session = TrainingSession(
        territory=territory, starts_at=starts_at, place=place, capacity=capacity, facilitator=facilitator
    )
    session.full_clean()
    session.save()
    audit.record(actor=actor, verb=audit.Verb.CREATED, target=session)
    return session


def is_past(session: TrainingSession) -> bool:
    """A session that has started: registering someone for it records attendance after the fact,
    and nobody is emailed a date already gone."""
    return session.starts_at < timezone.now()


@transaction.atomic
def register_mentors(
    session: TrainingSession, mentors: Iterable[MentorProfile], *, actor: Actor
) -> list[TrainingAttendance]:
    """Put mentors on a session's list, mark them scheduled and email each their session (not for
    a session in the past: `is_past`)."""
    mentors = list(mentors)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if any(m.person.territory_id != session.territory_id for m in mentors):
        raise ValidationError(_("Only mentors of the session's territory can be registered."))
    if any(m.training_status not in NOT_YET_TRAINED for m in mentors):
        raise ValidationError(_("A mentor who is already trained or exempted does not need a session."))
    already = set(session.attendances.values_list("mentor_id", flat=True))
    new = [m for m in mentors if m.pk not in already]
    if len(already) + len(new) > session.capacity:
        raise ValidationError(
            _("This session has %(free)s places left.") % {"free": max(session.capacity - len(already), 0)}
        )
    attendances = TrainingAttendance.objects.bulk_create([TrainingAttendance(session=session, mentor=m) for m in new])
    languages = languages_of(m.person for m in new)
    notify = not is_past(session)
    for mentor in new:
        if mentor.training_status != Training.SCHEDULED:
            mentor.training_status = Training.SCHEDULED
            mentor.save(update_fields=["training_status"])
        audit.record(actor=actor, verb=audit.Verb.REGISTERED, target=mentor, session=session.pk)
        if notify:
            _notify_registration(session, mentor, language=languages[mentor.person_id])
    return attendances


def _mentor_email(mentor: MentorProfile) -> str:
    account = Role.objects.filter(kind=Role.Kind.MENTOR, person=mentor.person).select_related("user").first()
    return account.user.email if account else mentor.person.email


def _notify_registration(session: TrainingSession, mentor: MentorProfile, *, language: str) -> None:
    to = _mentor_email(mentor)
    if not to:
        return
    with translation.override(language):
        starts_at = timezone.localtime(session.starts_at)
        context = {"session": session, "first_name": mentor.person.first_name, "starts_at": starts_at}
        subject = _("Your mentor training on %(day)s") % {"day": starts_at.strftime("%d/%m/%Y")}
        body = render_to_string("portals/sourcing/training/registration_email.txt", context)
    send_email(subject=subject, body=body, to=[to], person_id=mentor.person_id)


def _status_after_losing(mentor: MentorProfile, session: TrainingSession) -> tuple[str, date | None]:
    """The training status a mentor falls back to when this session no longer counts as attended."""
    other_present = (
        TrainingAttendance.objects.filter(mentor=mentor, present=True)
        .exclude(session=session)
        .order_by("-session__starts_at")
        .select_related("session")
        .first()
    )
    if other_present is not None:
        return Training.COMPLETED, session_date(other_present.session)
    if mentor.training_waiver_reason:
        return Training.WAIVED, None
    pending = (
        TrainingAttendance.objects.filter(mentor=mentor, present__isnull=True)
        .exclude(session=session)
        .filter(session__starts_at__gte=timezone.now())
        .exists()
    )
    return (Training.SCHEDULED if pending else Training.NOT_STARTED), None


@transaction.atomic
def mark_attendance(attendance: TrainingAttendance, *, present: bool, actor: Actor) -> TrainingAttendance:
    """Present: the mentor is trained on the session's day. Absent after present: undo what
    this session set (another session attended, a waiver or a pending registration still count)."""
    attendance = (
        TrainingAttendance.objects.select_for_update().select_related("session", "mentor__person").get(pk=attendance.pk)
    )
    mentor, session = attendance.mentor, attendance.session
    if session_date(session) > timezone.localdate():
        raise ValidationError(_("Attendance can be taken from the day of the session."))
    if attendance.present == present:
        return attendance
    attendance.present = present
    attendance.save(update_fields=["present"])
    day = session_date(session)
    if present:
        # The earliest attended session is when they were trained.
        earlier = mentor.trained_on if mentor.training_status == Training.COMPLETED else None
        mentor.training_status = Training.COMPLETED
        mentor.trained_on = min(earlier, day) if earlier else day
    else:
        # Undo only what this session set: a training dated from another day stays.
        set_by_this_session = mentor.training_status == Training.COMPLETED and mentor.trained_on == day
        if set_by_this_session or mentor.training_status == Training.SCHEDULED:
            mentor.training_status, mentor.trained_on = _status_after_losing(mentor, session)
    mentor.save(update_fields=["training_status", "trained_on"])
    audit.record(actor=actor, verb=audit.Verb.ATTENDANCE, target=mentor, session=session.pk, fields=["training_status"])
    return attendance


@transaction.atomic
def mark_all_present(session: TrainingSession, *, actor: Actor) -> int:
    """Everyone on the list whose attendance is not taken yet is marked present (the exceptions are
    then marked absent one by one; those already marked keep their mark). Returns how many."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session_date(session) > timezone.localdate():
        raise ValidationError(_("Attendance can be taken from the day of the session."))
    pending = list(session.attendances.filter(present__isnull=True).order_by("pk"))
    for attendance in pending:
        mark_attendance(attendance, present=True, actor=actor)
    return len(pending)


@transaction.atomic
def unregister_mentor(attendance: TrainingAttendance, *, actor: Actor) -> None:
    """Take a mentor off a session's list (registered by mistake, or cannot come)."""
    attendance = (
        TrainingAttendance.objects.select_for_update().select_related("session", "mentor").get(pk=attendance.pk)
    )
    if attendance.present is not None:
        raise ValidationError(_("Attendance is already taken for this person: mark them absent instead."))
    mentor, session = attendance.mentor, attendance.session
    attendance.delete()
    if mentor.training_status == Training.SCHEDULED:
        mentor.training_status, mentor.trained_on = _status_after_losing(mentor, session)
        mentor.save(update_fields=["training_status", "trained_on"])
    audit.record(actor=actor, verb=audit.Verb.UNREGISTERED, target=mentor, session=session.pk)


@transaction.atomic
def waive_training(mentor: MentorProfile, *, reason: str, actor: Actor) -> MentorProfile:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the training is waived.")})
    if mentor.training_status == Training.COMPLETED:
        raise ValidationError(_("This mentor is already trained."))
    mentor.training_status = Training.WAIVED
    mentor.training_waiver_reason = reason
    mentor.save(update_fields=["training_status", "training_waiver_reason"])
    audit.record(
        actor=actor,
        verb=audit.Verb.WAIVED_TRAINING,
        target=mentor,
        fields=["training_status", "training_waiver_reason"],
    )
    return mentor
