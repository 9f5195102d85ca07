"""The retention policy, applied by `run_daily` (and shown first by `apply_retention --dry-run`).

Rules (see RETENTION in inventory.py): a refugee's file is anonymised two years after the last
contact, an unsuccessful referral one year after the decision, a mentor's file two years after
their last duo or enrolment; audit events are deleted after five years, and the background
worker's finished task records (a queued email holds its recipient's address and text) after 30
days, with the outgoing emails they sent (already wiped of their text; one the worker could not
send within 30 days is dropped).
"Last contact" is the latest of: the file's last change, a referral's last status change, a duo's start or end, a
meeting. Nobody with a live duo or a referral still in progress is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, Max, QuerySet
from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binome.audit.models import AuditEvent
from binome.lib.models import OutgoingMessage
from binome.people.models import Person
from binome.privacy.erasure import erase_person
from binome.privacy.inventory import RETENTION

IN_PROGRESS = [
    "received",
    "contacted",
    "interview_scheduled",
    "interviewed",
    "eligible",
    "waitlisted",
    "enrolled",
    "matched",
]
UNSUCCESSFUL = ["ineligible", "left"]
LIVE_DUO = ["active", "paused"]


@dataclass
class Plan:
    today: date
    people: dict[str, list[int]] = field(default_factory=dict)  # rule key → person ids
    audit_events: int = 0
    audit_cutoff: datetime | None = None
    finished_tasks: int = 0
    tasks_cutoff: datetime | None = None
    outgoing_messages: int = 0

    @property
    def people_count(self) -> int:
        return sum(len(ids) for ids in self.people.values())

    def report(self) -> str:
        lines = [f"Retention as of {self.today}:"]
        for key, ids in self.people.items():
            shown = ", ".join(f"#{pk}" for pk in ids[:50]) + (" …" if len(ids) > 50 else "")
            lines.append(f"  {key}: {len(ids)} file(s) to anonymise{': ' + shown if ids else ''}")
        period = RETENTION["audit"].period
        days = period.days if period else 0
        lines.append(f"  audit: {self.audit_events} event(s) older than {days} days to delete")
        period = RETENTION["task_queue"].period
        days = period.days if period else 0
        lines.append(f"  task queue: {self.finished_tasks} finished task record(s) older than {days} days to delete")
        lines.append(f"  outgoing emails: {self.outgoing_messages} older than {days} days to delete")
        return "\n".join(lines)


def _cutoff(today: date, key: str) -> datetime:
    period = RETENTION[key].period
    assert period is not None
    return _cutoff_for(today, period)


def _cutoff_for(today: date, period: timedelta) -> datetime:
    return timezone.make_aware(datetime.combine(today - period, time.min))


def _latest(values: list[object | None]) -> datetime | None:
    moments = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, datetime):
            moments.append(value)
        elif isinstance(value, date):
            moments.append(timezone.make_aware(datetime.combine(value, time.min)))
    return max(moments) if moments else None


def _candidates(today: date) -> object:
    # The last contact is at least the file's last change: a file changed within the shortest
    # period is nobody's candidate, so most rows are left out by the index before any join.
    shortest = min(r.period for r in RETENTION.values() if r.period is not None and r.key != "audit")
    return (
        Person.objects.filter(erasure__isnull=True, updated_at__lt=_cutoff_for(today, shortest))
        .exclude(mentee_profile__duos__status__in=LIVE_DUO)
        .exclude(mentor_profile__duos__status__in=LIVE_DUO)
        .exclude(referrals__status__in=IN_PROGRESS)
        .annotate(
            last_referral=Max("referrals__status_changed_at"),
            last_mentee_start=Max("mentee_profile__duos__started_on"),
            last_mentee_end=Max("mentee_profile__duos__ended_on"),
            last_mentee_meeting=Max("mentee_profile__duos__meetings__held_on"),
            last_mentor_start=Max("mentor_profile__duos__started_on"),
            last_mentor_end=Max("mentor_profile__duos__ended_on"),
            last_mentor_meeting=Max("mentor_profile__duos__meetings__held_on"),
        )
        .select_related("mentee_profile", "mentor_profile")
        .prefetch_related("referrals")
        .order_by("pk")
    )


def plan(today: date | None = None) -> Plan:
    today = today or timezone.localdate()
    result = Plan(today=today, people={"unsuccessful_referral": [], "participant_file": [], "mentor_file": []})
    for person in _candidates(today):  # type: ignore[attr-defined]
        mentee = getattr(person, "mentee_profile", None)
        mentor = getattr(person, "mentor_profile", None)
        had_duo = any(v is not None for v in (person.last_mentee_start, person.last_mentor_start))
        last = _latest(
            [
                person.updated_at,
                person.last_referral,
                person.last_mentee_start,
                person.last_mentee_end,
                person.last_mentee_meeting,
                person.last_mentor_start,
                person.last_mentor_end,
                person.last_mentor_meeting,
                getattr(mentor, "enrolled_at", None),
            ]
        )
        if last is None:
            continue
        statuses = {referral.status for referral in person.referrals.all()}
        if statuses and statuses <= set(UNSUCCESSFUL) and not had_duo:
            if last < _cutoff(today, "unsuccessful_referral"):
                result.people["unsuccessful_referral"].append(person.pk)
        elif mentee is not None and last < _cutoff(today, "participant_file"):
            result.people["participant_file"].append(person.pk)
        elif mentor is not None and mentee is None and last < _cutoff(today, "mentor_file"):
            result.people["mentor_file"].append(person.pk)
    result.audit_cutoff = _cutoff(today, "audit")
    result.audit_events = _purgeable(result.audit_cutoff).count()
    result.tasks_cutoff = _cutoff(today, "task_queue")
    result.finished_tasks = _finished_tasks(result.tasks_cutoff).count()
    result.outgoing_messages = _old_messages(result.tasks_cutoff).count()
    return result


def _old_messages(before: datetime) -> QuerySet[OutgoingMessage]:
    return OutgoingMessage.objects.filter(created_at__lt=before)


def _finished_tasks(before: datetime) -> QuerySet[DBTaskResult]:
    """Task records done with (sent or failed for good) before `before`; queued and running ones stay."""
    return DBTaskResult.objects.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).filter(
        finished_at__lt=before
    )


def apply(today: date | None = None) -> Plan:
    """Carry out the plan: anonymise the files (reason: the rule), delete the old audit events."""
    result = plan(today)
    for key, ids in result.people.items():
        for person in Person.objects.filter(pk__in=ids):
            erase_person(person, actor=None, reason=key)
    if result.audit_events:
        purge_audit(result.audit_cutoff)  # type: ignore[arg-type]
    if result.finished_tasks:
        _finished_tasks(result.tasks_cutoff).delete()  # type: ignore[arg-type]
    if result.outgoing_messages:
        _old_messages(result.tasks_cutoff).delete()  # type: ignore[arg-type]
    return result


def _purgeable(before: datetime) -> QuerySet[AuditEvent]:
    """Audit events older than `before` and past the retention age by the database's own clock,
    the one its trigger (privacy migration 0004) judges by: a run with a later `--date` deletes
    no more than the trigger lets go, instead of failing."""
    period = RETENTION["audit"].period
    assert period is not None
    oldest_kept = ExpressionWrapper(Now() - period, output_field=DateTimeField())
    return AuditEvent.objects.filter(at__lt=before).filter(at__lt=oldest_kept)


@transaction.atomic
def purge_audit(before: datetime) -> int:
    """The only deletion of audit events: those past the retention age, which the database's
    trigger checks again by itself (no setting can open it)."""
    deleted, _per_model = _purgeable(before).delete()
    return deleted
