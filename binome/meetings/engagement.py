"""Engagement monitoring: which duos need the coordinator's attention, and gentle reminders.

`evaluate(today)` raises an alert when a rule's condition holds and none is live, and
resolves it by itself when the cause goes away (a meeting is confirmed). Running it twice
on the same day changes nothing the second time; so does `send_reminders(today)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor
from binome.audit import audit
from binome.cohorts.selectors import missed_workshops_by_person
from binome.lib.mail import send_email
from binome.meetings.models import Alert, AlertNote, EngagementRules, Reminder
from binome.pairing.models import Duo
from binome.people.languages import languages_of
from binome.surveys.selectors import poor_checkins

K = Alert.Kind
ALERT_VERBS = {
    "note": audit.Verb.ALERT_NOTE,
    "snoozed": audit.Verb.ALERT_SNOOZED,
    "resolved": audit.Verb.ALERT_RESOLVED,
}
LIVE = (Alert.Status.OPEN, Alert.Status.SNOOZED)
REMINDED_KINDS = (K.NO_FIRST_MEETING, K.SILENCE)
# A poor check-in does not go away by itself when time passes: only the coordinator, having
# talked to the duo, resolves it. A later poor answer raises a new alert.
MANUAL_KINDS = (K.POOR_CHECKIN,)


def rules_by_territory() -> tuple[dict[int, EngagementRules], EngagementRules]:
    rows = list(EngagementRules.objects.all())
    default = next((r for r in rows if r.territory_id is None), None) or EngagementRules()
    return {r.territory_id: r for r in rows if r.territory_id is not None}, default


def _missed_workshops(person_ids: list[int], since: date) -> dict[int, int]:
    """Workshops each person was invited to, that took place, and they were marked absent."""
    return missed_workshops_by_person(person_ids, since)


@dataclass
class Evaluation:
    raised: list[Alert] = field(default_factory=list)
    resolved: int = 0
    reopened: int = 0


@transaction.atomic
def evaluate(today: date | None = None, duo_ids: Iterable[int] | None = None) -> Evaluation:
    """Raise, reopen and auto-resolve alerts for active duos (all, or `duo_ids`) as of `today`."""
    today = today or timezone.localdate()
    by_territory, default = rules_by_territory()
    duos = Duo.objects.filter(status=Duo.Status.ACTIVE)
    if duo_ids is not None:
        duos = duos.filter(pk__in=list(duo_ids))
    rows = list(
        duos.annotate(last_confirmed=Max("meetings__held_on", filter=Q(meetings__confirmed_at__isnull=False))).values(
            "pk", "started_on", "cohort__territory_id", "mentor__person_id", "mentee__person_id", "last_confirmed"
        )
    )
    earliest = min((row["started_on"] for row in rows), default=today)
    missed = _missed_workshops(
        [row["mentee__person_id"] for row in rows] + [row["mentor__person_id"] for row in rows], earliest
    )
    poor = _poor_checkins(rows, earliest, by_territory, default)
    live = {
        (a.duo_id, a.kind): a
        for a in Alert.objects.select_for_update().filter(duo_id__in=[r["pk"] for r in rows], status__in=LIVE)
    }
    result = Evaluation()
    notes: list[AlertNote] = []
    for row in rows:
        rules = by_territory.get(row["cohort__territory_id"], default)
        last = row["last_confirmed"]
        started = row["started_on"]
        conditions: dict[str, dict[str, Any] | None] = {
            K.NO_FIRST_MEETING: {"days": (today - started).days}
            if last is None and started <= today - timedelta(days=rules.first_meeting_days)
            else None,
            K.SILENCE: {"days": (today - last).days, "last": last.isoformat()}
            if last is not None and last <= today - timedelta(days=rules.silence_days)
            else None,
            K.MISSED_WORKSHOPS: {"missed": n}
            if (n := max(missed.get(row["mentee__person_id"], 0), missed.get(row["mentor__person_id"], 0)))
            >= rules.missed_workshops
            else None,
            K.POOR_CHECKIN: poor.get(row["pk"]),
        }
        for kind, details in conditions.items():
            alert = live.get((row["pk"], kind))
            if details is not None and alert is None:
                alert = Alert.objects.create(duo_id=row["pk"], kind=kind, raised_on=today, details=details)
                notes.append(AlertNote(alert=alert, action="raised"))
                result.raised.append(alert)
            elif details is None and alert is not None and kind not in MANUAL_KINDS:
                alert.status, alert.resolved_at = Alert.Status.RESOLVED, timezone.now()
                alert.save(update_fields=["status", "resolved_at"])
                notes.append(AlertNote(alert=alert, action="auto_resolved"))
                result.resolved += 1
            elif alert is not None and alert.status == Alert.Status.SNOOZED and alert.snoozed_until <= today:  # type: ignore[operator]
                alert.status, alert.details = Alert.Status.OPEN, details or {}
                alert.save(update_fields=["status", "details"])
                notes.append(AlertNote(alert=alert, action="reopened"))
                result.reopened += 1
    AlertNote.objects.bulk_create(notes)
    return result


def _poor_checkins(
    rows: Sequence[Mapping[str, Any]], since: date, by_territory: dict[int, EngagementRules], default: EngagementRules
) -> dict[int, dict[str, Any]]:
    """Each duo's latest poor check-in answer (by its territory's threshold) given after the
    duo's last resolved poor-check-in alert: what the coordinator has not dealt with yet."""

    territory_of = {row["pk"]: row["cohort__territory_id"] for row in rows}
    loosest = max([r.poor_checkin_score for r in by_territory.values()] + [default.poor_checkin_score])
    dealt_with = dict(
        Alert.objects.filter(duo_id__in=list(territory_of), kind=K.POOR_CHECKIN, status=Alert.Status.RESOLVED)
        .values("duo_id")
        .annotate(last=Max("resolved_at"))
        .values_list("duo_id", "last")
    )
    found: dict[int, dict[str, Any]] = {}
    for duo_id, answered_on, score in poor_checkins(since, at_most=loosest):
        if duo_id not in territory_of:
            continue
        if score > by_territory.get(territory_of[duo_id], default).poor_checkin_score:
            continue
        resolved = dealt_with.get(duo_id)
        if resolved is not None and answered_on <= timezone.localdate(resolved):
            continue
        found[duo_id] = {"score": score, "answered_on": answered_on.isoformat()}
    return found


def refresh_duo(duo: Duo) -> Evaluation:
    """Re-check one duo now (after a meeting is confirmed): its alert disappears at once."""
    return evaluate(duo_ids=[duo.pk])


def send_reminders(today: date | None = None) -> int:
    """Nudge duos with an open alert by email: at most one reminder per duo per interval, none
    for a paused duo. Returns how many duos were reminded."""
    today = today or timezone.localdate()
    by_territory, default = rules_by_territory()
    alerts = (
        Alert.objects.filter(status=Alert.Status.OPEN, kind__in=REMINDED_KINDS, duo__status=Duo.Status.ACTIVE)
        .select_related("duo__mentor__person", "duo__mentee__person", "duo__cohort")
        .order_by("duo_id", "kind")
    )
    # Everyone who may be reminded, in one query; some of them are skipped below (reminded lately).
    languages = languages_of(
        person for alert in alerts for person in (alert.duo.mentor.person, alert.duo.mentee.person)
    )
    latest = dict(
        Reminder.objects.filter(duo_id__in=alerts.values("duo_id"))
        .values("duo_id")
        .annotate(last=Max("sent_on"))
        .values_list("duo_id", "last")
    )
    reminded: set[int] = set()
    for alert in alerts:
        duo = alert.duo
        rules = by_territory.get(duo.cohort.territory_id, default)
        last = latest.get(duo.pk)
        if duo.pk in reminded or (last is not None and last > today - timedelta(days=rules.reminder_interval_days)):
            continue
        with transaction.atomic():
            Reminder.objects.create(duo=duo, sent_on=today, kind=alert.kind)
            AlertNote.objects.create(alert=alert, action="reminded")
            _email_reminder(duo, alert.kind, languages)
        reminded.add(duo.pk)
    return len(reminded)


def _email_reminder(duo: Duo, kind: str, languages: dict[int, str]) -> None:
    for person, page in (
        (duo.mentor.person, f"/mentor/duos/{duo.pk}/"),
        (duo.mentee.person, f"/mentee/duos/{duo.pk}/"),
    ):
        if not person.email:
            continue
        other = duo.mentee.person if person == duo.mentor.person else duo.mentor.person
        context = {"person": person, "other": other.first_name, "kind": kind, "url": settings.SITE_URL + page}
        with translation.override(languages[person.pk]):
            subject = render_to_string("meetings/email/reminder_subject.txt", context).strip()
            body = render_to_string("meetings/email/reminder.txt", context)
        send_email(subject=subject, body=body, to=[person.email], person_id=person.pk, about_person_id=other.pk)


# --- the coordinator's actions --------------------------------------------------------


@transaction.atomic
def note_alert(alert: Alert, *, actor: Actor, text: str, action: str = "note", until: date | None = None) -> Alert:
    """Add a note, snooze until a date, or resolve by hand; each leaves a line in the history."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    text = text.strip()
    if action == "snoozed":
        if until is None or until <= timezone.localdate():
            raise ValidationError(_("Choose a date in the future."))
        alert.status, alert.snoozed_until = Alert.Status.SNOOZED, until
        alert.save(update_fields=["status", "snoozed_until"])
    elif action == "resolved":
        alert.status, alert.resolved_at, alert.resolved_by = Alert.Status.RESOLVED, timezone.now(), actor
        alert.save(update_fields=["status", "resolved_at", "resolved_by"])
    elif not text:
        raise ValidationError(_("Write a note."))
    AlertNote.objects.create(alert=alert, actor=actor, action=action, text=text)
    audit.record(actor=actor, verb=ALERT_VERBS[action], target=alert, duo=alert.duo_id)
    return alert
